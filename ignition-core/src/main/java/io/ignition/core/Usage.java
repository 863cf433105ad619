package io.ignition.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What an app has used of its plan today.
 *
 * @param requestsToday requests admitted since the window opened
 * @param requestsLeft requests still admitted today, or {@link Plan#UNLIMITED}
 * @param connections connections open right now
 * @param resetAt when the daily window restarts
 */
public record Usage(long requestsToday, long requestsLeft, int connections, Instant resetAt) {
  /** Checks the values. */
  public Usage {
    Objects.requireNonNull(resetAt, "resetAt");
  }
}
