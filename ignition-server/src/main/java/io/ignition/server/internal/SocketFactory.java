package io.ignition.server.internal;

import io.ignition.core.EventHub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;

/**
 * Creates our {@link WsSocket}s for the library, each spread round robin over the flush loops and
 * wired to a listener that hands writes to us instead of the library's selector, and counts each
 * accepted connection against the limits.
 */
final class SocketFactory implements WebSocketServerFactory {
  private final EventHub hub;
  private final WebSocketListener listener;
  private final List<FlushLoop> loops;
  private final TransportSettings settings;
  private final ScheduledExecutorService timer;
  private final ConnectionTracker tracker;
  private final AtomicInteger next = new AtomicInteger();

  SocketFactory(EventHub hub, WebSocketListener server, List<FlushLoop> loops,
      TransportSettings settings, ScheduledExecutorService timer, ConnectionTracker tracker) {
    this.hub = hub;
    this.listener = new WriteRedirect(server);
    this.loops = loops;
    this.settings = settings;
    this.timer = timer;
    this.tracker = tracker;
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
    return createWebSocket(adapter, List.of(draft));
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
    FlushLoop loop = loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    return new WsSocket(hub.nextConnectionId(), listener, drafts, loop, WsFrames.NATIVE_EVENT,
        timer, settings, tracker);
  }

  /**
   * Counts the accepted connection against the limits; the library calls it right after accept,
   * with our socket attached to the key.
   *
   * @throws IOException to have the library close a connection that may not even be answered
   */
  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    WsSocket socket = (WsSocket) key.attachment();
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    if (!socket.admit(remote.getAddress())) {
      throw new IOException("too many refused connections waiting for an answer");
    }
    return channel;
  }

  @Override
  public void close() {}

  /** Passes every callback to the server, except write demand, which goes to our flush loops. */
  private static final class WriteRedirect implements WebSocketListener {
    private final WebSocketListener server;

    WriteRedirect(WebSocketListener server) {
      this.server = server;
    }

    @Override
    public void onWriteDemand(WebSocket conn) {
      ((WsSocket) conn).takeLibraryFrames();
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
        ClientHandshake request) throws InvalidDataException {
      return server.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onWebsocketHandshakeReceivedAsClient(WebSocket conn, ClientHandshake request,
        ServerHandshake response) throws InvalidDataException {
      server.onWebsocketHandshakeReceivedAsClient(conn, request, response);
    }

    @Override
    public void onWebsocketHandshakeSentAsClient(WebSocket conn, ClientHandshake request)
        throws InvalidDataException {
      server.onWebsocketHandshakeSentAsClient(conn, request);
    }

    @Override
    public void onWebsocketMessage(WebSocket conn, String message) {
      server.onWebsocketMessage(conn, message);
    }

    @Override
    public void onWebsocketMessage(WebSocket conn, ByteBuffer blob) {
      server.onWebsocketMessage(conn, blob);
    }

    @Override
    public void onWebsocketOpen(WebSocket conn, Handshakedata handshake) {
      ((WsSocket) conn).upgraded();
      server.onWebsocketOpen(conn, handshake);
    }

    @Override
    public void onWebsocketClose(WebSocket conn, int code, String reason, boolean remote) {
      server.onWebsocketClose(conn, code, reason, remote);
    }

    @Override
    public void onWebsocketClosing(WebSocket conn, int code, String reason, boolean remote) {
      server.onWebsocketClosing(conn, code, reason, remote);
    }

    @Override
    public void onWebsocketCloseInitiated(WebSocket conn, int code, String reason) {
      ((WsSocket) conn).closeInitiatedLocally(code, reason);
      server.onWebsocketCloseInitiated(conn, code, reason);
    }

    @Override
    public void onWebsocketError(WebSocket conn, Exception ex) {
      server.onWebsocketError(conn, ex);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata frame) {
      server.onWebsocketPing(conn, frame);
    }

    @Override
    public PingFrame onPreparePing(WebSocket conn) {
      return server.onPreparePing(conn);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata frame) {
      server.onWebsocketPong(conn, frame);
    }

    @Override
    public InetSocketAddress getLocalSocketAddress(WebSocket conn) {
      return server.getLocalSocketAddress(conn);
    }

    @Override
    public InetSocketAddress getRemoteSocketAddress(WebSocket conn) {
      return server.getRemoteSocketAddress(conn);
    }
  }
}
