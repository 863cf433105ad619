package io.ignition.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a fuzzer's bytes into the text a transport hands the protocol. Text frames arrive as
 * valid UTF-8, so most inputs are read as UTF-8; an input whose first byte is 0 is read as
 * UTF-16 instead, so that the fuzzer can also reach strings no UTF-8 decoder yields, such as lone
 * surrogates, which the decoders must still refuse cleanly. Seed files are therefore plain UTF-8
 * text.
 */
final class FuzzText {
  private FuzzText() {}

  /** Returns the text the bytes stand for. */
  static String of(byte[] input) {
    if (input.length > 0 && input[0] == 0) {
      return new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_16BE);
    }
    return new String(input, StandardCharsets.UTF_8);
  }

  /** Returns whether {@code text} encodes to UTF-8 without replacement: no lone surrogate. */
  static boolean isWellFormed(String text) {
    return StandardCharsets.UTF_8.newEncoder().canEncode(text);
  }
}
