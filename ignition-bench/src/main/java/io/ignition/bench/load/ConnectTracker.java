package io.ignition.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Follows a batch of connections from connect to ready, at most a given number in progress at
 * once (so that a burst does not overflow the server's accept backlog). While connecting takes
 * longer than a second it says each second how far it got, and it gives up when no connection
 * has become ready or failed for a while: a server that accepts but never answers shows at once
 * and does not hang the tool. Thread-safe.
 */
final class ConnectTracker {
  /** How long connecting may go, by default, without any connection becoming ready or failing. */
  static final long STALL_SECONDS = 30;

  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Semaphore inProgress;
  private final CountDownLatch settled;
  private final Histogram readyNanos = new Histogram(MAX_NANOS, 3);
  private final Problems problems;
  private final String what;
  private final PrintStream progress;
  private final long stallNanos;
  private final long startNanos = System.nanoTime();
  /** When the last progress line went out; only the connecting thread reads and writes it. */
  private long lastLineNanos = startNanos;
  private volatile long lastSettledNanos = startNanos;
  private int ready;
  private int failed;

  /**
   * Creates a tracker.
   *
   * @param what the connections, for progress lines and errors ("subscribers")
   * @param progress where the progress lines go
   * @param stallSeconds how long connecting may go without a connection becoming ready or failing
   */
  ConnectTracker(int connections, int concurrency, Problems problems, String what,
      PrintStream progress, long stallSeconds) {
    this.inProgress = new Semaphore(concurrency);
    this.settled = new CountDownLatch(connections);
    this.problems = problems;
    this.what = what;
    this.progress = progress;
    this.stallNanos = TimeUnit.SECONDS.toNanos(stallSeconds);
  }

  /**
   * Waits for a free slot before the next connect.
   *
   * @throws IOException when connecting has stalled
   */
  void acquire() throws IOException, InterruptedException {
    while (!inProgress.tryAcquire(1, TimeUnit.SECONDS)) {
      checkProgress();
    }
    if (System.nanoTime() - lastLineNanos >= SECOND_NANOS) {
      checkProgress();
    }
  }

  /**
   * Waits until every connection is ready or failed.
   *
   * @throws IOException when connecting has stalled
   */
  void await() throws IOException, InterruptedException {
    while (!settled.await(1, TimeUnit.SECONDS)) {
      checkProgress();
    }
  }

  /** Prints how far connecting got; fails when nothing has settled for too long. */
  private void checkProgress() throws IOException {
    long now = System.nanoTime();
    lastLineNanos = now;
    String counts = String.format(Locale.ROOT, "%,d ready, %,d failed, %,d to go", readyCount(),
        failedCount(), settled.getCount());
    if (now - lastSettledNanos > stallNanos) {
      throw new IOException("connecting " + what + " stalled: no connection became ready or "
          + "failed for " + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s (" + counts + ")");
    }
    progress.printf(Locale.ROOT, "%5.1fs connecting %s: %s%n", (now - startNanos) / 1e9, what,
        counts);
  }

  /** Records a connection ready {@code nanos} after its connect started. */
  synchronized void ready(long nanos) {
    readyNanos.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    ready++;
    settledOne();
  }

  /** Records a connection that failed before it was ready. */
  void failed(String reason) {
    problems.connectFailed(reason);
    synchronized (this) {
      failed++;
    }
    settledOne();
  }

  private void settledOne() {
    lastSettledNanos = System.nanoTime();
    inProgress.release();
    settled.countDown();
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
