package io.ignition.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Follows a batch of connections from connect to ready, at most a given number in progress at
 * once (so that a burst does not overflow the server's accept backlog). Thread-safe.
 */
final class ConnectTracker {
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Semaphore inProgress;
  private final CountDownLatch settled;
  private final Histogram readyNanos = new Histogram(MAX_NANOS, 3);
  private final Problems problems;
  private int ready;
  private int failed;

  ConnectTracker(int connections, int concurrency, Problems problems) {
    this.inProgress = new Semaphore(concurrency);
    this.settled = new CountDownLatch(connections);
    this.problems = problems;
  }

  /** Waits for a free slot before the next connect. */
  void acquire() throws InterruptedException {
    inProgress.acquire();
  }

  /** Records a connection ready {@code nanos} after its connect started. */
  synchronized void ready(long nanos) {
    readyNanos.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    ready++;
    inProgress.release();
    settled.countDown();
  }

  /** Records a connection that failed before it was ready. */
  void failed(String reason) {
    problems.connectFailed(reason);
    synchronized (this) {
      failed++;
    }
    inProgress.release();
    settled.countDown();
  }

  /** Waits until every connection is ready or failed; returns false on timeout. */
  boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return settled.await(timeout, unit);
  }

  synchronized int readyCount() {
    return ready;
  }

  synchronized int failedCount() {
    return failed;
  }

  /** Returns a copy of the connect-to-ready times in nanoseconds. */
  synchronized Histogram readyNanos() {
    return readyNanos.copy();
  }
}
