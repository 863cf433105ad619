package io.ignition.core.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One decoded client frame of the native protocol.
 *
 * <p>{@code data} is kept as a slice of the frame's text so that it can be forwarded byte for byte
 * without being parsed into values.
 *
 * @param op the operation, not checked against the known ones
 * @param id the client's id, or 0 when the frame has none
 * @param channel the channel, or null when absent; not validated
 * @param event the event name, or null when absent; not validated
 * @param text the whole frame as received
 * @param dataStart the offset in {@code text} where {@code data}'s value starts, or -1 when absent
 * @param dataEnd the offset in {@code text} just past {@code data}'s value, or -1 when absent
 */
record Frame(
    String op,
    long id,
    @Nullable String channel,
    @Nullable String event,
    String text,
    int dataStart,
    int dataEnd) {

  Frame {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(text, "text");
  }

  /** Returns whether the frame has a {@code data} field, including an explicit {@code null}. */
  boolean hasData() {
    return dataStart >= 0;
  }

  /** Returns {@code data}'s value exactly as sent, or {@code "null"} when the field is absent. */
  String data() {
    return hasData() ? text.substring(dataStart, dataEnd) : "null";
  }
}
