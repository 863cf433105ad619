package io.ignition.server.internal;

import io.ignition.core.EventHub;
import io.ignition.core.Session;
import java.nio.charset.StandardCharsets;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.handshake.ClientHandshake;

/**
 * The Socket.IO endpoint, {@code /socket.io/} on the WebSocket port: checks Engine.IO handshakes
 * and starts an {@link EngineIoSession} on each accepted WebSocket.
 *
 * <p>Only the websocket transport is offered ({@code ?EIO=4&transport=websocket}). Any other
 * request, long-polling included, is answered 400 with Engine.IO's error body
 * {@code {"code":N,"message":"..."}}, whose message says what to change. Thread-safe.
 */
final class EngineIoEndpoint {
  private static final int HTTP_BAD_REQUEST = 400;
  private static final int TRANSPORT_UNKNOWN = 0;
  private static final int SESSION_UNKNOWN = 1;
  private static final int BAD_REQUEST = 3;
  private static final int UNSUPPORTED_VERSION = 5;

  private final EventHub hub;
  private final EngineIoSettings settings;

  EngineIoEndpoint(EventHub hub, EngineIoSettings settings) {
    this.hub = hub;
    this.settings = settings;
  }

  /** Returns whether a request for {@code path} belongs to this endpoint. */
  static boolean handles(String path) {
    return path.equals("/socket.io/") || path.equals("/socket.io");
  }

  /**
   * Accepts a handshake to this endpoint, or answers it 400 and throws so that the library does
   * not upgrade.
   *
   * @throws InvalidDataException when the request is refused; the answer is already queued
   */
  void checkHandshake(WsSocket socket, ClientHandshake request, HandshakeRequest target)
      throws InvalidDataException {
    String version = target.parameter("EIO");
    String transport = target.parameter("transport");
    if (!"4".equals(version)) {
      refuse(socket, UNSUPPORTED_VERSION, "unsupported Engine.IO version "
          + (version == null ? "(no EIO parameter)" : "EIO=" + version)
          + ": this server speaks EIO=4, as socket.io-client 3 and 4 do");
    }
    if (!HttpAwareDraft.isUpgrade(request) || "polling".equals(transport)) {
      refuse(socket, BAD_REQUEST, "long-polling is not supported: connect with"
          + " io(url, { transports: [\"websocket\"] })");
    }
    if (!"websocket".equals(transport)) {
      refuse(socket, TRANSPORT_UNKNOWN, "unknown transport " + transport
          + ": connect with io(url, { transports: [\"websocket\"] })");
    }
    if (target.parameter("sid") != null) {
      refuse(socket, SESSION_UNKNOWN, "unknown session id: this server keeps no long-polling"
          + " sessions to upgrade; connect with io(url, { transports: [\"websocket\"] })");
    }
  }

  /** Starts the Engine.IO session of a WebSocket that this endpoint accepted. */
  Session open(WsSocket socket) {
    return EngineIoSession.open(hub, new SocketLink(socket), socket.timer(), settings);
  }

  private static void refuse(WsSocket socket, int code, String message)
      throws InvalidDataException {
    socket.respondInsteadOfUpgrade(badRequest(code, message));
    throw new InvalidDataException(HTTP_BAD_REQUEST, message);
  }

  /** Returns a complete HTTP 400 response with Engine.IO's JSON error body. */
  static byte[] badRequest(int code, String message) {
    byte[] body = ("{\"code\":" + code + ",\"message\":" + SocketIoFrames.quote(message) + "}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] head = ("HTTP/1.1 400 Bad Request\r\n"
        + "Content-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Access-Control-Allow-Origin: *\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] response = new byte[head.length + body.length];
    System.arraycopy(head, 0, response, 0, head.length);
    System.arraycopy(body, 0, response, head.length, body.length);
    return response;
  }

  /** The session's view of our socket. */
  private record SocketLink(WsSocket socket) implements EngineIoSession.Link {
    @Override
    public String id() {
      return socket.connection().id();
    }

    @Override
    public void send(String text) {
      socket.connection().send(text);
    }

    @Override
    public void sendFrame(byte[] frame) {
      socket.sendFrame(frame);
    }

    @Override
    public void close(int code, String reason) {
      socket.connection().close(code, reason);
    }
  }
}
