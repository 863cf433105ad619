package io.ignition.server.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node reaches Redis, with the operator's log kept quiet: one WARN when Redis is
 * lost, at most one a minute while it stays lost, one INFO when it is back. Thread-safe.
 */
public final class RedisHealth {
  private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
  private static final long WARN_EVERY_NANOS = 60_000_000_000L;

  private final AtomicLong lastWarnNanos = new AtomicLong();
  private final LongAdder dropped = new LongAdder();
  private volatile boolean up;
  private volatile String lastError = "not connected yet";

  /** Returns whether Redis answered the last time it was used. */
  public boolean up() {
    return up;
  }

  /** Returns why Redis was last unreachable. */
  public String lastError() {
    return lastError;
  }

  /** Returns how many events could not be passed to other nodes while Redis was unreachable. */
  public long dropped() {
    return dropped.sum();
  }

  void droppedEvents(int count) {
    dropped.add(count);
  }

  void reachable() {
    if (!up) {
      up = true;
      if (lastWarnNanos.get() == 0) {
        log.info("Connected to Redis; sharing fan-out and quotas with the cluster");
      } else {
        log.info("Redis reachable again; cluster fan-out and shared quotas resumed");
      }
    }
  }

  /**
   * Notes a failed command. Whether Redis is up is decided by the pub/sub connection, which
   * notices an outage at once; a command can fail on its own on a connection that went stale
   * while Redis restarted, and that must not mark a reachable Redis as lost.
   */
  void commandFailed(Exception cause) {
    lastError = String.valueOf(cause.getMessage());
    warn(false, "Redis command failed; handled on this node alone");
  }

  void unreachable(Exception cause) {
    lastError = String.valueOf(cause.getMessage());
    boolean wasUp = up;
    up = false;
    warn(wasUp, "Redis unreachable; serving this node's clients alone");
  }

  private void warn(boolean justLost, String what) {
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if ((justLost || last == 0 || now - last >= WARN_EVERY_NANOS)
        && lastWarnNanos.compareAndSet(last, now)) {
      log.warn("{} error={}", what, lastError);
    }
  }
}
