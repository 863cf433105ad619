package io.ignition.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.java_websocket.exceptions.InvalidDataException;
import org.junit.jupiter.api.Test;

/** Frame boundaries followed across reads split anywhere, as TCP may split them. */
class ClientFrameScannerTest {
  private static final int TEXT = 0x1;
  private static final int CLOSE = 0x8;

  @Test
  void scan_maskedFramesOfEveryLengthForm_splitAtEveryByte_passes() throws Exception {
    byte[] stream = concat(frame(TEXT, 5, true), frame(TEXT, 300, true),
        frame(TEXT, 70_000, true), frame(0x9, 0, true));
    ClientFrameScanner scanner = new ClientFrameScanner();

    for (byte b : stream) {
      scanner.scan(ByteBuffer.wrap(new byte[] {b}));
    }

    // In step with the frames: an unmasked frame right after them is caught.
    assertThatThrownBy(() -> scanner.scan(ByteBuffer.wrap(frame(TEXT, 1, false))))
        .isInstanceOf(InvalidDataException.class).hasMessageContaining("masked");
  }

  @Test
  void scan_unmaskedFrameAfterLongMaskedOnes_randomSplits_isRefusedWhereItStarts()
      throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      byte[] masked = concat(frame(TEXT, random.nextInt(200), true),
          frame(TEXT, 126 + random.nextInt(70_000), true));
      ClientFrameScanner scanner = new ClientFrameScanner();
      feed(scanner, masked, random);

      assertThatThrownBy(() -> feed(scanner, frame(TEXT, random.nextInt(300), false), random))
          .isInstanceOf(InvalidDataException.class);
    }
  }

  @Test
  void scan_leavesTheBufferPositionAlone() throws Exception {
    ByteBuffer buffer = ByteBuffer.wrap(frame(TEXT, 10, true));

    new ClientFrameScanner().scan(buffer);

    assertThat(buffer.position()).isZero();
  }

  @Test
  void closeFrameEnds_onlyOnceTheCloseFrameIsComplete() throws Exception {
    ClientFrameScanner scanner = new ClientFrameScanner();
    scanner.scan(ByteBuffer.wrap(frame(TEXT, 3, true)));
    byte[] data = frame(TEXT, 40, true);
    byte[] close = frame(CLOSE, 2, true);

    boolean afterData = scanner.closeFrameEnds(ByteBuffer.wrap(data));
    boolean afterHalfClose = scanner.closeFrameEnds(ByteBuffer.wrap(close, 0, 4));
    boolean afterRest = scanner.closeFrameEnds(ByteBuffer.wrap(close, 4, close.length - 4));

    assertThat(afterData).isFalse();
    assertThat(afterHalfClose).isFalse();
    assertThat(afterRest).isTrue();
  }

  private static void feed(ClientFrameScanner scanner, byte[] bytes, Random random)
      throws InvalidDataException {
    int at = 0;
    while (at < bytes.length) {
      int length = Math.min(bytes.length - at, 1 + random.nextInt(9_000));
      scanner.scan(ByteBuffer.wrap(bytes, at, length));
      at += length;
    }
  }

  private static byte[] frame(int opcode, int length, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (length < 126) {
      out.write(maskBit | length);
    } else if (length <= 0xffff) {
      out.write(maskBit | 126);
      out.write(length >>> 8);
      out.write(length & 0xff);
    } else {
      out.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) length >>> shift) & 0xff);
      }
    }
    if (masked) {
      out.writeBytes(new byte[] {1, 2, 3, 4});
    }
    out.writeBytes(new byte[length]);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
