package io.ignition.server.internal;

import io.ignition.core.App;
import io.ignition.core.HubObserver;
import io.ignition.core.Plan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The hub's events as Micrometer meters (docs/metrics.md).
 *
 * <p>Thread-safe and cheap on the hot path: every call increments meters registered up front, or
 * found in a small map of meters by tag value; none looks anything up in the registry. Tags are
 * plan names, refusal reasons and ops, never apps, keys or channels; each tag takes at most
 * {@value #MAX_TAG_VALUES} values, and any further value is counted as {@code other}, so a quota
 * policy that invents codes cannot grow the registry without bound.
 */
final class MicrometerObserver implements HubObserver {
  static final int MAX_TAG_VALUES = 32;
  private static final String OVERFLOW = "other";

  private final MeterRegistry registry;
  private final Consumer<Meter> registered;
  private final ConcurrentHashMap<String, AtomicLong> openByPlan = new ConcurrentHashMap<>();
  private final Counter accepted;
  private final CounterFamily refused;
  private final CounterFamily requests;
  private final CounterFamily requestsRefused;
  private final Counter published;
  private final Counter delivered;

  /**
   * Registers the meters.
   *
   * @param registered hears every meter this observer registers, now or later, so that its owner
   *     can remove them
   */
  MicrometerObserver(MeterRegistry registry, Consumer<Meter> registered) {
    this.registry = registry;
    this.registered = registered;
    this.accepted = track(Counter.builder("ignition.connections.accepted")
        .description("WebSocket connections admitted").register(registry));
    this.refused = new CounterFamily("ignition.connections.rejected", "reason",
        "WebSocket connections refused, by reason", "bad_key", "connection_limit", "node_limit",
        "address_limit", "shutting_down", "handshake_too_large", "handshake_timeout");
    this.requests = new CounterFamily("ignition.requests", "op",
        "Client operations received, by op", "subscribe", "unsubscribe", "emit", "info", "ping",
        "publish");
    this.requestsRefused = new CounterFamily("ignition.requests.rejected", "code",
        "Requests refused by the quota policy, by code", "quota_exceeded");
    this.published = track(Counter.builder("ignition.events.published")
        .description("Events published, by clients, the HTTP API and the server")
        .register(registry));
    this.delivered = track(Counter.builder("ignition.events.delivered")
        .description("Events handed to subscribers on this node, one per subscriber")
        .register(registry));
  }

  @Override
  public void connectionOpened(App app, Plan plan) {
    accepted.increment();
    openGauge(plan.name()).incrementAndGet();
  }

  @Override
  public void connectionRefused(String reason) {
    refused.increment(reason);
  }

  @Override
  public void connectionClosed(App app, Plan plan) {
    openGauge(plan.name()).decrementAndGet();
  }

  @Override
  public void operation(String op) {
    requests.increment(op);
  }

  @Override
  public void published(App app, int deliveries) {
    published.increment();
    delivered.increment(deliveries);
  }

  @Override
  public void deliveredFromCluster(int deliveries) {
    delivered.increment(deliveries);
  }

  @Override
  public void requestRefused(App app, String code) {
    requestsRefused.increment(code);
  }

  /** Returns the open-connection count of the plan, registering its gauge on first use. */
  private AtomicLong openGauge(String plan) {
    AtomicLong open = openByPlan.get(plan);
    if (open != null) {
      return open;
    }
    String tag = openByPlan.size() < MAX_TAG_VALUES ? plan : OVERFLOW;
    return openByPlan.computeIfAbsent(tag, name -> {
      AtomicLong count = new AtomicLong();
      track(Gauge.builder("ignition.connections.open", count, AtomicLong::get)
          .description("Open WebSocket connections, by the plan they were admitted on")
          .tag("plan", name).strongReference(true).register(registry));
      return count;
    });
  }

  private <M extends Meter> M track(M meter) {
    registered.accept(meter);
    return meter;
  }

  /** Counters of one name, one per value of one tag, registered when a value is first seen. */
  private final class CounterFamily {
    private final String name;
    private final String tagKey;
    private final String description;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    CounterFamily(String name, String tagKey, String description, String... knownValues) {
      this.name = name;
      this.tagKey = tagKey;
      this.description = description;
      for (String value : knownValues) {
        counter(value);
      }
    }

    void increment(String value) {
      Counter counter = counters.get(value);
      (counter != null ? counter : counter(value)).increment();
    }

    private Counter counter(String value) {
      String tag = counters.size() < MAX_TAG_VALUES ? value : OVERFLOW;
      return counters.computeIfAbsent(tag, v -> track(Counter.builder(name)
          .description(description).tag(tagKey, v).register(registry)));
    }
  }
}
