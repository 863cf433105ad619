package io.ignition.server.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node joins a cluster through Redis.
 *
 * @param uri {@code redis://HOST:PORT}
 * @param prefix prepended to every Redis key and channel, so clusters (and tests) can share a
 *     Redis without seeing each other
 * @param leaseTtl how long a node's share of connection counts outlives its last renewal; a
 *     crashed node's connections stop counting within twice this
 * @param failClosed when Redis is unreachable, refuse requests of metered plans instead of
 *     enforcing plans on this node alone
 */
public record RedisSettings(URI uri, String prefix, Duration leaseTtl, boolean failClosed) {
  /** Checks the values. */
  public RedisSettings {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(prefix, "prefix");
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("Redis URI must look like redis://HOST:PORT, was " + uri);
    }
    if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("leaseTtl must be at least 1 s, was " + leaseTtl);
    }
  }

  /** Returns settings with the default prefix, a 15 s lease and fail-open. */
  public static RedisSettings of(URI uri) {
    return new RedisSettings(uri, "ignition:", Duration.ofSeconds(15), false);
  }

  int port() {
    return uri.getPort() < 0 ? 6379 : uri.getPort();
  }
}
