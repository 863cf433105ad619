package io.ignition.server.internal;

import java.time.Duration;

/**
 * How the Socket.IO endpoint keeps Engine.IO sessions alive.
 *
 * @param pingInterval how long the server waits after a pong before it pings again; sent to
 *     clients in the open packet
 * @param pingTimeout how long the server waits for the pong to a ping before it closes the
 *     session; sent to clients too, which give up after {@code pingInterval + pingTimeout}
 *     without a ping
 * @param connectTimeout how long a session may stay connected to no namespace before it is
 *     closed
 */
public record EngineIoSettings(Duration pingInterval, Duration pingTimeout,
    Duration connectTimeout) {
  /** Longest interval or timeout: JavaScript timers take at most 2^31 - 1 ms for their sum. */
  public static final Duration MAX = Duration.ofHours(1);

  /** Socket.IO's own defaults: ping every 25 s, give up after 20 s, 45 s to connect. */
  public static final EngineIoSettings DEFAULTS = new EngineIoSettings(Duration.ofSeconds(25),
      Duration.ofSeconds(20), Duration.ofSeconds(45));

  /** Checks the values. */
  public EngineIoSettings {
    check(pingInterval, "pingInterval");
    check(pingTimeout, "pingTimeout");
    check(connectTimeout, "connectTimeout");
  }

  private static void check(Duration value, String name) {
    if (value.compareTo(MAX) > 0 || value.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be 1 ms to 1 h, was " + value);
    }
  }
}
