package io.ignition.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * {@code [0, min(max, initial * 2^(n-1)))}. Spreading the whole interval, rather than adding a
 * little noise to a fixed delay, keeps clients dropped together by a server restart from
 * reconnecting in lockstep. Thread-safe.
 */
final class Backoff {

  private final long initialMillis;
  private final long maxMillis;
  private final DoubleSupplier random;

  Backoff(Duration initial, Duration max) {
    this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Uses {@code random}, which returns values in [0, 1), instead of a real random source. */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
    this.random = random;
  }

  /** The delay before attempt {@code attempt}, counted from 1. */
  Duration delay(int attempt) {
    return Duration.ofMillis((long) (random.getAsDouble() * ceilingMillis(attempt)));
  }

  /** The upper bound of attempt {@code attempt}'s delay, in milliseconds. */
  long ceilingMillis(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
    long ceiling = initialMillis;
    for (int i = 1; i < attempt && ceiling < maxMillis; i++) {
      ceiling = ceiling > maxMillis / 2 ? maxMillis : ceiling * 2;
    }
    return ceiling;
  }
}
