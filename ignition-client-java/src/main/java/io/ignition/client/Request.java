package io.ignition.client;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one client operation. A reply, a deadline, a dropped connection and
 * {@code close()} may race to settle it; exactly one wins, and only the winner completes the
 * future, on the callback executor. Thread-safe.
 */
final class Request<T> {

  private final CompletableFuture<T> future = new CompletableFuture<>();
  private final AtomicBoolean settled = new AtomicBoolean();
  private final CallbackDispatcher callbacks;
  @GuardedBy("this")
  private @Nullable ScheduledFuture<?> deadline;

  Request(CallbackDispatcher callbacks) {
    this.callbacks = callbacks;
  }

  CompletableFuture<T> future() {
    return future;
  }

  boolean isSettled() {
    return settled.get();
  }

  /** Completes the future with {@code value} unless already settled; true when this won. */
  boolean succeed(@Nullable T value) {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    cancelDeadline();
    callbacks.complete(future, value);
    return true;
  }

  /** Fails the future with {@code error} unless already settled; true when this won. */
  boolean fail(Throwable error) {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    cancelDeadline();
    callbacks.fail(future, error);
    return true;
  }

  /**
   * Fails the request with {@code error} after {@code delay} unless it settles first, then runs
   * {@code cleanup}; replaces any earlier deadline.
   */
  synchronized void deadline(ScheduledExecutorService timer, Duration delay,
      Supplier<? extends Throwable> error, Runnable cleanup) {
    cancelDeadline();
    deadline = timer.schedule(() -> {
      if (fail(error.get())) {
        cleanup.run();
      }
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private synchronized void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
