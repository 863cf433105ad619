package io.ignition.bench.load;

import java.io.PrintStream;
import java.util.Locale;
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

  /**
   * Waits until every connection is ready or failed, saying each second how far it got while
   * some are still to go (a server that accepts but never answers shows at once); returns false
   * on timeout.
   */
  boolean await(long timeoutSeconds, String what, PrintStream progress)
      throws InterruptedException {
    for (long waited = 0; waited < timeoutSeconds; waited++) {
      if (settled.await(1, TimeUnit.SECONDS)) {
        return true;
      }
      progress.printf(Locale.ROOT, "connecting %s: %,d ready, %,d failed, %,d to go%n", what,
          readyCount(), failedCount(), settled.getCount());
    }
    return settled.getCount() == 0;
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
