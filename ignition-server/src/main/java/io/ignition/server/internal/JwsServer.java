package io.ignition.server.internal;

import io.ignition.core.EventHub;
import io.ignition.core.Session;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's server, routing upgrades by path and each connection's frames to its
 * {@link Session}.
 *
 * <p>Callbacks never let an exception escape: in Java-WebSocket 1.6.0 a throwable out of a
 * callback ends the decoder thread, stalling every connection assigned to it.
 */
final class JwsServer extends WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(JwsServer.class);
  private static final int HTTP_NOT_FOUND = 404;
  private static final int ACCEPT_BACKLOG = 4096;

  private final EventHub hub;
  private final EngineIoEndpoint socketIo;
  private final CompletableFuture<Void> bound = new CompletableFuture<>();

  JwsServer(TransportSettings settings, List<Draft> drafts, EventHub hub) {
    super(settings.address(), settings.decoderThreads(), drafts);
    this.hub = hub;
    this.socketIo = new EngineIoEndpoint(hub, settings.engineIo());
    setReuseAddr(true);
    setTcpNoDelay(true);
    // The library's dead-peer check counts only pongs, in whole seconds; WebSocketTransport runs
    // its own, which counts any byte from the peer.
    setConnectionLostTimeout(0);
    // The JDK's default accept backlog of 50 drops SYNs when many clients connect at once, and a
    // dropped SYN is retried only after a second or more.
    setMaxPendingConnections(ACCEPT_BACKLOG);
  }

  /** Completes when the port is bound, or fails with the reason it could not be. */
  CompletableFuture<Void> bound() {
    return bound;
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    WsSocket socket = (WsSocket) conn;
    ConnectionTracker.Refusal refusal = socket.refusal();
    if (refusal != null) {
      socket.respondInsteadOfUpgrade(refusal.httpResponse());
      throw new InvalidDataException(CloseFrame.TRY_AGAIN_LATER, "refused: " + refusal.code());
    }
    HandshakeRequest target = HandshakeRequest.parse(request.getResourceDescriptor(), null);
    String path = target.path();
    if (EngineIoEndpoint.handles(path)) {
      socketIo.checkHandshake(socket, request, target);
    } else if (!path.equals("/v1") && !path.equals("/v1/")) {
      throw new InvalidDataException(HTTP_NOT_FOUND, "no WebSocket endpoint at " + path
          + "; the native protocol is at /v1, Socket.IO at /socket.io/");
    } else if (!HttpAwareDraft.isUpgrade(request)) {
      throw new InvalidDataException(HTTP_NOT_FOUND, path + " answers WebSocket upgrades only");
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    WsSocket socket = (WsSocket) conn;
    try {
      String authorization = handshake.hasFieldValue("Authorization")
          ? handshake.getFieldValue("Authorization") : null;
      HandshakeRequest request =
          HandshakeRequest.parse(handshake.getResourceDescriptor(), authorization);
      socket.attach(EngineIoEndpoint.handles(request.path()) ? socketIo.open(socket)
          : hub.openNative(socket.connection(), request.apiKey(), request.flag("echo")));
    } catch (RuntimeException e) {
      fail(socket, e);
    }
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    WsSocket socket = (WsSocket) conn;
    MessageScope scope = MessageScope.current();
    boolean opened = scope.open();
    try {
      socket.session().onText(message);
    } catch (RuntimeException e) {
      fail(socket, e);
    } finally {
      if (opened) {
        scope.close();
      }
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    WsSocket socket = (WsSocket) conn;
    try {
      socket.session().onBinary(message.remaining());
    } catch (RuntimeException e) {
      fail(socket, e);
    }
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    WsSocket socket = (WsSocket) conn;
    try {
      socket.detach();
    } catch (RuntimeException e) {
      log.warn("releasing a closed connection failed id={}", socket.connection().id(), e);
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      if (!bound.completeExceptionally(ex)) {
        log.warn("WebSocket server failed", ex);
      }
      return;
    }
    log.debug("connection error id={} error={}", ((WsSocket) conn).connection().id(),
        ex.toString());
  }

  @Override
  public void onStart() {
    bound.complete(null);
  }

  private static void fail(WsSocket socket, RuntimeException e) {
    log.warn("internal error, closing connection id={}", socket.connection().id(), e);
    socket.close(CloseFrame.UNEXPECTED_CONDITION, "internal error");
  }
}
