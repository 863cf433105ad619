package io.ignition.bench.load;

import java.nio.charset.StandardCharsets;

/** Writes and reads ASCII text and decimal numbers in byte arrays, without garbage. */
final class Ascii {
  private Ascii() {}

  /** Copies {@code text} (ASCII) to {@code out} at {@code at}; returns the position after it. */
  static int put(byte[] out, int at, byte[] text) {
    System.arraycopy(text, 0, out, at, text.length);
    return at + text.length;
  }

  /** Writes {@code value}, zero or more, in decimal; returns the position after it. */
  static int putLong(byte[] out, int at, long value) {
    int end = at + digits(value);
    long rest = value;
    for (int i = end - 1; i >= at; i--) {
      out[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    return end;
  }

  /** Returns how many decimal digits {@code value}, zero or more, has. */
  static int digits(long value) {
    int count = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      count++;
    }
    return count;
  }

  /**
   * Reads the decimal number at {@code at}; its end is the first non-digit. Returns -1 when no
   * digit is there.
   */
  static long getLong(byte[] in, int at, int end) {
    long value = 0;
    int i = at;
    while (i < end && in[i] >= '0' && in[i] <= '9') {
      value = value * 10 + (in[i] - '0');
      i++;
    }
    return i == at ? -1 : value;
  }

  /** Returns the index just past the number at {@code at}. */
  static int skipDigits(byte[] in, int at, int end) {
    int i = at;
    while (i < end && in[i] >= '0' && in[i] <= '9') {
      i++;
    }
    return i;
  }

  /** Returns whether {@code in[at..]} starts with {@code prefix}. */
  static boolean startsWith(byte[] in, int at, int end, byte[] prefix) {
    if (end - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (in[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
