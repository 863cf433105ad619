package io.ignition.core.internal;

import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.core.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits every connection and request. It still counts open connections per app so that
 * {@code info} reports them truthfully.
 */
public final class UnlimitedQuotaPolicy implements QuotaPolicy {
  private final ConcurrentHashMap<String, AtomicInteger> openByApp = new ConcurrentHashMap<>();
  private final Clock clock = Clock.systemUTC();

  @Override
  public Admission admitConnection(App app) {
    openByApp.computeIfAbsent(app.id(), id -> new AtomicInteger()).incrementAndGet();
    return Admission.admit();
  }

  @Override
  public void releaseConnection(App app) {
    AtomicInteger open = openByApp.get(app.id());
    if (open != null) {
      open.decrementAndGet();
    }
  }

  @Override
  public Admission admitRequest(App app) {
    return Admission.admit();
  }

  @Override
  public Usage usage(App app) {
    AtomicInteger open = openByApp.get(app.id());
    Instant nextMidnight =
        LocalDate.now(clock).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return new Usage(0, Plan.UNLIMITED, open == null ? 0 : open.get(), nextMidnight);
  }
}
