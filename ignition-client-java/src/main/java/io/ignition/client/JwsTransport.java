package io.ignition.client;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over Java-WebSocket's client, one instance per connection attempt. Its
 * callbacks run on Java-WebSocket's read thread; sends are queued for its write thread.
 */
final class JwsTransport implements Transport {

  static final TransportFactory FACTORY = JwsTransport::start;

  private static final Logger log = LoggerFactory.getLogger(JwsTransport.class);

  private final Client client;
  private volatile boolean abandoned;

  private JwsTransport(URI uri, Map<String, String> headers, Duration connectTimeout,
      TransportListener listener) {
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.client = new Client(uri, headers, timeoutMillis, listener);
  }

  private static Transport start(URI uri, Map<String, String> headers, Duration connectTimeout,
      Duration pingInterval, TransportListener listener) {
    JwsTransport transport = new JwsTransport(uri, headers, connectTimeout, listener);
    transport.client.setDaemon(true);
    transport.client.setConnectionLostTimeout((int) Math.max(1, pingInterval.toSeconds()));
    transport.client.connect();
    return transport;
  }

  @Override
  public boolean send(String text) {
    try {
      client.send(text);
      return true;
    } catch (WebsocketNotConnectedException e) {
      return false;
    }
  }

  @Override
  public void close(int code, String reason) {
    abandoned = true;
    if (client.isOpen()) {
      client.close(code, reason);
      return;
    }
    // Not open yet: there is no handshake to close, so drop the socket; Client.onOpen closes a
    // handshake that completes anyway.
    Socket socket = client.getSocket();
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      log.debug("closing an unopened socket failed uri={}", client.getURI(), e);
    }
  }

  private final class Client extends WebSocketClient {

    private final TransportListener listener;
    private volatile @Nullable Exception lastError;

    Client(URI uri, Map<String, String> headers, int connectTimeoutMillis,
        TransportListener listener) {
      super(uri, new Draft_6455(), headers, connectTimeoutMillis);
      this.listener = listener;
    }

    /** Set once the upgrade succeeded; read on the same I/O thread that sets it. */
    private volatile boolean opened;

    @Override
    public void onOpen(ServerHandshake handshake) {
      opened = true;
      log.debug("websocket open uri={}", getURI());
      if (abandoned) {
        close(CloseFrame.NORMAL, "client gave up on this connection attempt");
      }
    }

    @Override
    public void onMessage(String message) {
      listener.onText(message);
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
      log.debug("ignoring binary frame uri={} bytes={}", getURI(), bytes.remaining());
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      Exception error = lastError;
      String why = reason.isEmpty() && error != null ? String.valueOf(error) : reason;
      // An upgrade the server refused (503 while it shuts down, 429 over a connection limit)
      // arrives as a protocol error; it is a connection that never opened, worth retrying.
      listener.onClosed(opened ? code : CloseCodes.NEVER_OPENED, why);
    }

    @Override
    public void onError(Exception ex) {
      log.debug("websocket error uri={}", getURI(), ex);
      lastError = ex;
    }
  }
}
