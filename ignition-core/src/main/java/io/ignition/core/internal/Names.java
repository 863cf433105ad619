package io.ignition.core.internal;

import org.jspecify.annotations.Nullable;

/** The rules for channel and event names shared by every protocol. */
public final class Names {
  /** Longest channel name, in characters. */
  public static final int MAX_CHANNEL = 128;

  /** Longest event name, in characters. */
  public static final int MAX_EVENT = 64;

  private Names() {}

  /** Returns why {@code channel} is not a valid channel name, or null when it is. */
  public static @Nullable String channelError(@Nullable String channel) {
    return check(channel, MAX_CHANNEL) ? null
        : "channel must be 1 to " + MAX_CHANNEL + " characters without control characters";
  }

  /** Returns why {@code event} is not a valid event name, or null when it is. */
  public static @Nullable String eventError(@Nullable String event) {
    return check(event, MAX_EVENT) ? null
        : "event must be 1 to " + MAX_EVENT + " characters without control characters";
  }

  private static boolean check(@Nullable String name, int max) {
    if (name == null || name.isEmpty() || name.length() > 2 * max) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return false;
      }
    }
    return name.codePointCount(0, name.length()) <= max;
  }
}
