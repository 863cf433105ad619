package io.ignition.core;

import io.ignition.core.internal.InMemoryQuotaPolicy;
import io.ignition.core.internal.UnlimitedQuotaPolicy;
import java.time.Clock;

/**
 * Decides whether an app may open another connection or make another request, and keeps the count.
 *
 * <p>A request is a connection, a subscribe, an unsubscribe, an emit or an HTTP publish; pings,
 * info and deliveries are not. The core calls {@link #admitConnection} once per connection attempt
 * and {@link #releaseConnection} exactly once for every admitted connection when it ends.
 *
 * <p>Implementations must be thread-safe and exact under concurrency, and must not block: they are
 * called on I/O threads.
 */
public interface QuotaPolicy {
  /** Admits or refuses a new connection of the app; an admitted one holds a slot until released. */
  Admission admitConnection(App app);

  /** Gives back the slot of a connection that {@link #admitConnection} admitted. */
  void releaseConnection(App app);

  /** Admits or refuses one request of the app. */
  Admission admitRequest(App app);

  /** Returns the app's usage so far today. */
  Usage usage(App app);

  /** Restarts the app's daily window now, as if the day had just begun. */
  default void resetWindow(App app) {}

  /** Restarts every app's daily window now. */
  default void resetAllWindows() {}

  /**
   * Returns a policy that enforces each app's plan in memory, exactly under concurrency, with
   * daily windows that restart at 00:00 UTC by the given clock. Apps whose plan has no daily
   * limit pay no bookkeeping per request.
   */
  static QuotaPolicy inMemory(Clock clock) {
    return new InMemoryQuotaPolicy(clock);
  }

  /** Returns a policy that admits everything and counts only open connections. */
  static QuotaPolicy unlimited() {
    return new UnlimitedQuotaPolicy();
  }
}
