package io.ignition.core.internal;

import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.core.Usage;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces each app's plan in memory, exactly under concurrency. Thread-safe and lock-free.
 */
public final class InMemoryQuotaPolicy implements QuotaPolicy {
  /*
   * Design
   *
   * An app's daily window is one AtomicLong: the UTC epoch day in the high bits and the requests
   * admitted that day in the low 40. Admitting a request is a compare-and-set from (day, n) to
   * (day, n + 1) that is refused once n reaches the limit, so with any number of threads exactly
   * `limit` requests get through. A request on a later day replaces (old day, n) with (today, 1):
   * the window restarts at 00:00 UTC by itself, with no timer, and an idle app costs nothing.
   *
   * Open connections are an AtomicInteger moved by compare-and-set the same way; a release never
   * takes it below zero.
   *
   * An app whose plan has no daily limit skips all of this: no lookup, no counter, no clock.
   */

  private static final int COUNT_BITS = 40;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final long DAY_MILLIS = 86_400_000L;

  private final Clock clock;
  private final ConcurrentHashMap<String, Counters> byApp = new ConcurrentHashMap<>();

  public InMemoryQuotaPolicy(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Admission admitConnection(App app) {
    Counters counters = counters(app);
    int limit = app.plan().connections();
    while (true) {
      int open = counters.open.get();
      if (limit != Plan.UNLIMITED && open >= limit) {
        return Admission.refuse("connection_limit", "app " + app.id() + " has reached its plan's"
            + " limit of " + limit + " connections");
      }
      if (counters.open.compareAndSet(open, open + 1)) {
        return Admission.admit();
      }
    }
  }

  @Override
  public void releaseConnection(App app) {
    counters(app).open.updateAndGet(open -> Math.max(0, open - 1));
  }

  @Override
  public Admission admitRequest(App app) {
    long limit = app.plan().dailyRequests();
    if (limit == Plan.UNLIMITED) {
      return Admission.admit();
    }
    AtomicLong window = counters(app).window;
    long today = today();
    while (true) {
      long current = window.get();
      long count = countOn(current, today);
      if (count >= limit) {
        return Admission.refuse("quota_exceeded", "daily limit of " + limit
            + " requests reached; the window resets at " + resetAt(today));
      }
      if (window.compareAndSet(current, (today << COUNT_BITS) | (count + 1))) {
        return Admission.admit();
      }
    }
  }

  @Override
  public Usage usage(App app) {
    Counters counters = counters(app);
    long today = today();
    long used = countOn(counters.window.get(), today);
    long limit = app.plan().dailyRequests();
    long left = limit == Plan.UNLIMITED ? Plan.UNLIMITED : Math.max(0, limit - used);
    return new Usage(used, left, counters.open.get(), resetAt(today));
  }

  @Override
  public void resetWindow(App app) {
    counters(app).window.set(today() << COUNT_BITS);
  }

  @Override
  public void resetAllWindows() {
    long fresh = today() << COUNT_BITS;
    byApp.values().forEach(counters -> counters.window.set(fresh));
  }

  private Counters counters(App app) {
    Counters counters = byApp.get(app.id());
    return counters != null ? counters : byApp.computeIfAbsent(app.id(), id -> new Counters());
  }

  private long today() {
    return Math.floorDiv(clock.millis(), DAY_MILLIS);
  }

  private static long countOn(long window, long today) {
    return (window >>> COUNT_BITS) == today ? window & COUNT_MASK : 0;
  }

  private static Instant resetAt(long today) {
    return Instant.ofEpochMilli((today + 1) * DAY_MILLIS);
  }

  /** One app's counters. */
  private static final class Counters {
    final AtomicLong window = new AtomicLong();
    final AtomicInteger open = new AtomicInteger();
  }
}
