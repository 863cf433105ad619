package io.ignition.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets publishes through until the node shuts down, then lets none through and waits for those in
 * progress. A publish that was let in runs to its end, delivery to every local subscriber's queue
 * and the acknowledgement to its sender included, before {@link #close} returns; so once it
 * returns, every event the node has acknowledged is queued for its subscribers.
 *
 * <p>Thread-safe and cheap: one atomic increment and decrement per publish.
 */
public final class PublishGate {
  private final AtomicLong inside = new AtomicLong();
  private final Object emptied = new Object();
  private volatile boolean closed;

  /**
   * Enters the gate; every {@code true} must be followed by one {@link #exit}.
   *
   * @return false once the gate is closed: the publish must be refused
   */
  public boolean enter() {
    inside.incrementAndGet();
    if (closed) {
      exit();
      return false;
    }
    return true;
  }

  /** Leaves the gate after a publish that entered it. */
  public void exit() {
    // The closer sets closed before it looks at inside, so one of the two sees the other.
    if (inside.decrementAndGet() == 0 && closed) {
      synchronized (emptied) {
        emptied.notifyAll();
      }
    }
  }

  /** Returns whether the gate is closed. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes the gate and waits up to {@code timeout} for the publishes inside to finish.
   *
   * @return true when none is left inside
   */
  public boolean close(Duration timeout) throws InterruptedException {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (emptied) {
      long left;
      while (inside.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(emptied, left);
      }
    }
    return inside.get() == 0;
  }
}
