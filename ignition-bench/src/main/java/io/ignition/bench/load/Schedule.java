package io.ignition.bench.load;

/**
 * When a run publishes and which events it measures. Times are nanoseconds since {@code
 * baseNanoTime} (a {@link System#nanoTime} reading), so they stay positive and short in payloads.
 *
 * @param baseNanoTime the {@link System#nanoTime} that time 0 stands for
 * @param measureStart events sent at or after it are measured (the warm-up ends)
 * @param measureEnd events sent before it are measured; publishing stops there
 */
record Schedule(long baseNanoTime, long measureStart, long measureEnd) {
  /** Returns the run-relative time now. */
  long now() {
    return System.nanoTime() - baseNanoTime;
  }

  /** Converts a run-relative time back to {@link System#nanoTime}'s scale. */
  long toNanoTime(long runNanos) {
    return baseNanoTime + runNanos;
  }

  /** Returns whether an event sent at {@code sentNanos} belongs to the measured window. */
  boolean measured(long sentNanos) {
    return sentNanos >= measureStart && sentNanos < measureEnd;
  }
}
