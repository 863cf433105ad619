package io.ignition.server.internal;

import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 as Java-WebSocket implements it, with these changes.
 *
 * <ul>
 *   <li>A plain HTTP GET (no {@code Upgrade: websocket}) also reaches {@link JwsServer}'s handshake
 *       callback, so that the server can answer it in words, such as Engine.IO long-polling
 *       requests with a 400 that says to use the websocket transport. Left to itself the library
 *       answers every plain request with a fixed {@code 404 WebSocket Upgrade Failure} page before
 *       any callback runs. The callback must refuse plain requests (throw); if one slipped
 *       through, the library would fail to build the upgrade response and still answer 404.
 *   <li>A client frame that is not masked closes the connection with 1002 (RFC 6455 section 5.1);
 *       the library would accept it.
 *   <li>A fragmented message is held to {@code maxFrameBytes} as a whole: the library checks the
 *       first and the last fragment against the limit, but lets any number of fragments in
 *       between pile up. Over the limit the connection closes with 1009.
 *   <li>Once the server has started closing, the library reads nothing more; the draft still
 *       follows the frames, so that {@link WsSocket} can end the connection as soon as the
 *       client's close frame arrives.
 * </ul>
 *
 * <p>Not thread-safe, like every draft; the library copies it per connection.
 */
final class HttpAwareDraft extends Draft_6455 {
  private final ClientFrameScanner scanner = new ClientFrameScanner();
  /** Payload bytes of the fragmented message being received; decoder thread only. */
  private long messageBytes;

  HttpAwareDraft(int maxFrameBytes) {
    super(List.of(), List.of(new Protocol("")), maxFrameBytes);
  }

  /** Returns whether the request asks to upgrade to WebSocket. */
  static boolean isUpgrade(ClientHandshake request) {
    return "websocket".equalsIgnoreCase(request.getFieldValue("Upgrade").trim());
  }

  @Override
  public HandshakeState acceptHandshakeAsServer(ClientHandshake request)
      throws InvalidHandshakeException {
    HandshakeState state = super.acceptHandshakeAsServer(request);
    return state == HandshakeState.MATCHED || isUpgrade(request) ? state : HandshakeState.MATCHED;
  }

  @Override
  public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
    scanner.scan(buffer);
    return super.translateFrame(buffer);
  }

  @Override
  public void processFrame(WebSocketImpl socket, Framedata frame) throws InvalidDataException {
    Opcode opcode = frame.getOpcode();
    if (opcode == Opcode.TEXT || opcode == Opcode.BINARY) {
      messageBytes = frame.getPayloadData().remaining();
    } else if (opcode == Opcode.CONTINUOUS) {
      messageBytes += frame.getPayloadData().remaining();
      if (messageBytes > getMaxFrameSize()) {
        throw new LimitExceededException("message over " + getMaxFrameSize() + " bytes",
            getMaxFrameSize());
      }
    }
    super.processFrame(socket, frame);
  }

  /**
   * Follows what arrives after the server started closing, which the library ignores, and
   * returns whether the client's close frame ended in {@code buffer}; does not move its position.
   */
  boolean closeFrameEnds(ByteBuffer buffer) {
    return scanner.closeFrameEnds(buffer);
  }

  /** Forgets a fragmented message; the scanner keeps following frames, see above. */
  @Override
  public void reset() {
    super.reset();
    messageBytes = 0;
  }

  @Override
  public Draft copyInstance() {
    return new HttpAwareDraft(getMaxFrameSize());
  }
}
