package io.ignition.bench.load;

/**
 * The frames the load tool sends and reads. An emit carries, as its {@code data}, a JSON array of
 * exactly the payload size: {@code [SENT_NANOS,PUBLISHER,SEQUENCE,"padding"]}. Subscribers read
 * the three numbers back out of the event frame in place, without parsing the JSON into objects.
 */
final class Payload {
  /** The event name every emit uses. */
  static final String EVENT = "tick";

  /** The smallest payload that holds the three numbers and the padding's quotes. */
  static final int MIN_BYTES = 48;
  /** The largest payload: the tool's client takes frames of up to 256 KiB, head included. */
  static final int MAX_BYTES = 192 * 1024;

  static final byte[] OK_PREFIX = Ascii.bytes("{\"op\":\"ok\",\"id\":");
  static final byte[] EVENT_PREFIX = Ascii.bytes("{\"op\":\"event\",");
  static final byte[] ERROR_PREFIX = Ascii.bytes("{\"op\":\"error\"");
  static final byte[] ERROR_ID_PREFIX = Ascii.bytes("{\"op\":\"error\",\"id\":");
  static final byte[] WELCOME_PREFIX = Ascii.bytes("{\"op\":\"welcome\"");

  private static final byte[] EMIT_HEAD = Ascii.bytes("{\"op\":\"emit\",\"id\":");
  private static final byte[] CHANNEL_FIELD = Ascii.bytes(",\"channel\":\"");
  private static final byte[] EVENT_AND_DATA = Ascii.bytes("\",\"event\":\"" + EVENT
      + "\",\"data\":[");
  private static final byte[] DATA_FIELD = Ascii.bytes("\"data\":[");
  /** {@code {"op":"event","channel":"} before the channel, then up to the data's first digit. */
  private static final int EVENT_HEAD_LENGTH = "{\"op\":\"event\",\"channel\":\"".length();
  private static final int EVENT_MIDDLE_LENGTH = ("\",\"event\":\"" + EVENT
      + "\",\"data\":[").length();

  private Payload() {}

  /** Returns the {@code code} of an error frame, or the whole frame when it has none. */
  static String errorCode(String frame) {
    String field = "\"code\":\"";
    int start = frame.indexOf(field);
    int end = start < 0 ? -1 : frame.indexOf('"', start + field.length());
    return end < 0 ? frame : frame.substring(start + field.length(), end);
  }

  /** Returns the channel name for index {@code channel}. */
  static String channelName(int channel) {
    return "load-" + channel;
  }

  /** Returns an emit frame's largest size for a payload of {@code payloadBytes}. */
  static int maxEmitBytes(int payloadBytes, int longestChannel) {
    return EMIT_HEAD.length + 20 + CHANNEL_FIELD.length + longestChannel + EVENT_AND_DATA.length
        + payloadBytes + 1;
  }

  /**
   * Writes an emit frame into {@code out} and returns its length.
   *
   * @param channel the channel's name in ASCII
   */
  static int emit(byte[] out, long id, byte[] channel, long sentNanos, int publisher, long sequence,
      int payloadBytes) {
    int at = Ascii.put(out, 0, EMIT_HEAD);
    at = Ascii.putLong(out, at, id);
    at = Ascii.put(out, at, CHANNEL_FIELD);
    at = Ascii.put(out, at, channel);
    at = Ascii.put(out, at, EVENT_AND_DATA);
    // The '[' above is the payload's first byte; the numbers, quotes and "]" follow.
    int payloadEnd = at - 1 + payloadBytes;
    at = Ascii.putLong(out, at, sentNanos);
    out[at++] = ',';
    at = Ascii.putLong(out, at, publisher);
    out[at++] = ',';
    at = Ascii.putLong(out, at, sequence);
    out[at++] = ',';
    out[at++] = '"';
    while (at < payloadEnd - 2) {
      out[at++] = 'x';
    }
    out[at++] = '"';
    out[at++] = ']';
    out[at++] = '}';
    return at;
  }

  /**
   * Returns where the data's first number starts in an event frame of a channel whose name has
   * {@code channelLength} characters, or -1 when the frame is not laid out as expected.
   */
  static int dataStart(byte[] in, int offset, int end, int channelLength) {
    int guess = offset + EVENT_HEAD_LENGTH + channelLength + EVENT_MIDDLE_LENGTH;
    if (guess <= end && in[guess - 1] == '[' && in[guess - 2] == ':') {
      return guess;
    }
    for (int i = offset; i + DATA_FIELD.length <= end; i++) {
      if (Ascii.startsWith(in, i, end, DATA_FIELD)) {
        return i + DATA_FIELD.length;
      }
    }
    return -1;
  }
}
