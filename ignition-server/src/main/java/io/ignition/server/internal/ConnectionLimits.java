package io.ignition.server.internal;

import java.time.Duration;

/**
 * What the transport lets one node, one source address and one upgrade request take.
 *
 * @param maxConnections TCP connections the node holds at once, upgraded or not; more are
 *     answered 503 before the upgrade
 * @param maxConnectionsPerAddress TCP connections one source address holds at once; more are
 *     answered 429 before the upgrade
 * @param maxHandshakeBytes longest upgrade request, headers included; a longer one is cut off
 * @param maxHandshakeHeaders most header lines in an upgrade request; more are cut off
 * @param handshakeTimeout how long a connection may take to finish its upgrade request
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress,
    int maxHandshakeBytes, int maxHandshakeHeaders, Duration handshakeTimeout) {
  /** The defaults of {@code IgnitionServer.builder()}. */
  public static final ConnectionLimits DEFAULTS = new ConnectionLimits(100_000, 10_000,
      16 * 1024, 100, Duration.ofSeconds(10));

  /** Checks the values. */
  public ConnectionLimits {
    requireAtLeast(maxConnections, 1, "maxConnections");
    requireAtLeast(maxConnectionsPerAddress, 1, "maxConnectionsPerAddress");
    requireAtLeast(maxHandshakeBytes, 1024, "maxHandshakeBytes");
    requireAtLeast(maxHandshakeHeaders, 8, "maxHandshakeHeaders");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive, was "
          + handshakeTimeout);
    }
  }

  /** Throws when {@code value} is under {@code min}, naming the rule and the value. */
  public static int requireAtLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }
}
