package io.ignition.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one receiving reactor thread saw: deliveries, latency, order. Written by that thread only;
 * read by the reporting thread through recorders and lazily set counters, without locks.
 */
final class ReceiveStats {
  static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Set once, before the first event is published. */
  private volatile Schedule schedule = new Schedule(0, 0, 0);
  private final SingleWriterRecorder measured = new SingleWriterRecorder(MAX_LATENCY_NANOS, 3);
  private final SingleWriterRecorder progress = new SingleWriterRecorder(MAX_LATENCY_NANOS, 3);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong receivedMeasured = new AtomicLong();
  private final AtomicLong outOfOrder = new AtomicLong();
  private long receivedLocal;
  private long measuredLocal;

  /** Sets the schedule, before the first event is published. */
  void schedule(Schedule runSchedule) {
    this.schedule = runSchedule;
  }

  /** Records one event received at {@code receivedNanos} that was sent at {@code sentNanos}. */
  void delivered(long sentNanos, long receivedNanos) {
    Schedule current = schedule;
    long latency = Math.min(Math.max(receivedNanos - current.toNanoTime(sentNanos), 0),
        MAX_LATENCY_NANOS);
    progress.recordValue(latency);
    if (current.measured(sentNanos)) {
      measured.recordValue(latency);
      receivedMeasured.lazySet(++measuredLocal);
    }
    received.lazySet(++receivedLocal);
  }

  /** Records an event that came after a later one of the same publisher, or twice. */
  void outOfOrder() {
    outOfOrder.lazySet(outOfOrder.get() + 1);
  }

  long received() {
    return received.get();
  }

  long receivedMeasured() {
    return receivedMeasured.get();
  }

  long outOfOrderCount() {
    return outOfOrder.get();
  }

  /** Returns the latencies of the measured window recorded since the last call. */
  Histogram takeMeasured() {
    return measured.getIntervalHistogram();
  }

  /** Returns every latency recorded since the last call, for the progress line. */
  Histogram takeProgress() {
    return progress.getIntervalHistogram();
  }
}
