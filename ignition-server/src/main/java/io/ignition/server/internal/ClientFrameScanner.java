package io.ignition.server.internal;

import java.nio.ByteBuffer;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;

/**
 * Follows the frame boundaries in what a client sends, so that each frame's header can be checked
 * before Java-WebSocket decodes it. Java-WebSocket 1.6.0 accepts unmasked frames from clients;
 * RFC 6455 section 5.1 says a server must close the connection on one. Once the server has
 * started closing, the library reads nothing more; the scanner still follows the frames, to
 * notice the client's close frame.
 *
 * <p>Not thread-safe: one per connection, fed by the connection's decoder thread in order.
 */
final class ClientFrameScanner {
  private static final int MASK_BIT = 0x80;
  private static final int LENGTH_MASK = 0x7f;
  private static final int LENGTH_16 = 126;
  private static final int LENGTH_64 = 127;
  private static final int MASK_KEY_BYTES = 4;

  private static final int OPCODE_MASK = 0x0f;
  private static final int OPCODE_CLOSE = 0x8;

  /** The header of the frame being read, up to its longest form: 2 + 8 + 4 bytes. */
  private final byte[] header = new byte[14];
  private int headerBytes;
  private long payloadLeft;
  private boolean inCloseFrame;

  /**
   * Checks the frame headers that start in {@code bytes}, from its position to its limit, without
   * moving its position.
   *
   * @throws InvalidDataException with close code 1002 for a frame that is not masked
   */
  void scan(ByteBuffer bytes) throws InvalidDataException {
    scan(bytes, true);
  }

  /**
   * Follows the frames in {@code bytes} without checking them, as the library ignores what
   * arrives once the server has started closing, and returns whether a close frame ended in
   * them: the peer's answer to the server's close.
   */
  boolean closeFrameEnds(ByteBuffer bytes) {
    try {
      return scan(bytes, false);
    } catch (InvalidDataException e) {
      throw new IllegalStateException("a lenient scan refused a frame", e);
    }
  }

  private boolean scan(ByteBuffer bytes, boolean strict) throws InvalidDataException {
    boolean closeEnded = false;
    int at = bytes.position();
    int end = bytes.limit();
    while (at < end) {
      if (payloadLeft > 0) {
        int skip = (int) Math.min(payloadLeft, end - at);
        at += skip;
        payloadLeft -= skip;
        closeEnded |= payloadLeft == 0 && inCloseFrame;
        continue;
      }
      header[headerBytes++] = bytes.get(at++);
      if (strict && headerBytes == 2 && (header[1] & MASK_BIT) == 0) {
        throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR,
            "client frames must be masked (RFC 6455 section 5.1)");
      }
      if (headerBytes >= 2 && headerBytes == headerLength()) {
        payloadLeft = payloadLength();
        inCloseFrame = (header[0] & OPCODE_MASK) == OPCODE_CLOSE;
        closeEnded |= payloadLeft == 0 && inCloseFrame;
        headerBytes = 0;
      }
    }
    return closeEnded;
  }

  private int headerLength() {
    int length = header[1] & LENGTH_MASK;
    int extended = length == LENGTH_16 ? 2 : length == LENGTH_64 ? 8 : 0;
    return 2 + extended + MASK_KEY_BYTES;
  }

  private long payloadLength() {
    int length = header[1] & LENGTH_MASK;
    if (length < LENGTH_16) {
      return length;
    }
    int bytes = length == LENGTH_16 ? 2 : 8;
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value = value << 8 | (header[2 + i] & 0xff);
    }
    // A length with the top bit set is refused by the library as too large before it matters.
    return value < 0 ? Long.MAX_VALUE : value;
  }
}
