package io.ignition.server.internal;

import io.ignition.core.Event;
import io.ignition.core.internal.Wire;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Encodes server-to-client WebSocket frames (RFC 6455 section 5.2: unmasked, one frame each). */
final class WsFrames {
  /** A native event as a complete text frame, built once per publish and shared. */
  static final Function<Event, byte[]> NATIVE_EVENT = event -> text(event.encoded(Wire.EVENT_TEXT));

  private static final byte[] EMPTY = new byte[0];
  private static final int OPCODE_TEXT = 0x1;
  private static final int FIN = 0x80;

  private WsFrames() {}

  /** Returns {@code text} as one final text frame: header and UTF-8 payload in one array. */
  static byte[] text(String text) {
    return text(EMPTY, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns one final text frame whose payload is {@code head} followed by {@code body}, both
   * UTF-8 already, so that a shared body is copied rather than encoded again.
   */
  static byte[] text(byte[] head, byte[] body) {
    int length = head.length + body.length;
    int header = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
    byte[] frame = new byte[header + length];
    frame[0] = (byte) (FIN | OPCODE_TEXT);
    if (header == 2) {
      frame[1] = (byte) length;
    } else if (header == 4) {
      frame[1] = 126;
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = 127;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    System.arraycopy(head, 0, frame, header, head.length);
    System.arraycopy(body, 0, frame, header + head.length, body.length);
    return frame;
  }
}
