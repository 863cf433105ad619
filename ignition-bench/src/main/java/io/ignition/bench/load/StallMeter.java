package io.ignition.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Measures how late the machine wakes a thread that does nothing but sleep for a millisecond at a
 * time: the oversleep is what any thread, the server's included, may lose to the scheduler, page
 * faults or the hypervisor, independent of the work being measured.
 *
 * <p>Thread-safe: {@link #take} may be called from any thread.
 */
final class StallMeter implements AutoCloseable {
  private static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final SingleWriterRecorder oversleep =
      new SingleWriterRecorder(ReceiveStats.MAX_LATENCY_NANOS, 2);
  private final Thread thread = new Thread(this::run, "load-stall-meter");
  private volatile boolean running = true;

  StallMeter() {
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Returns the oversleeps recorded since the last call, in nanoseconds. */
  Histogram take() {
    return oversleep.getIntervalHistogram();
  }

  private void run() {
    while (running) {
      long start = System.nanoTime();
      LockSupport.parkNanos(NAP_NANOS);
      long late = System.nanoTime() - start - NAP_NANOS;
      oversleep.recordValue(Math.min(Math.max(late, 0), ReceiveStats.MAX_LATENCY_NANOS));
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
