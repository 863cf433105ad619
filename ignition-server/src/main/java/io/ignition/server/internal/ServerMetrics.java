package io.ignition.server.internal;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.HubObserver;
import io.ignition.server.cluster.RedisHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One server's meters (docs/metrics.md): the hub observer's counters, gauges over the channel
 * registry, the transport's byte count and, on a registry the server made itself, the JVM and
 * process metrics.
 *
 * <p>Thread-safe. {@link #close} removes the server's meters from a registry it was given, so a
 * later server on the same registry registers fresh ones, and closes a registry it made.
 */
public final class ServerMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final @Nullable JvmGcMetrics gcMetrics;
  private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();
  private final MicrometerObserver observer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ServerMetrics(MeterRegistry registry, @Nullable JvmGcMetrics gcMetrics) {
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.observer = new MicrometerObserver(registry, meters::add);
  }

  /**
   * Registers the hub's meters on {@code given}, or, when it is null, on a new Prometheus registry
   * that also gets uptime, JVM (memory, GC, threads, classes) and process (CPU, files) metrics.
   * A given registry gets no JVM metrics: its owner decides which it binds.
   */
  public static ServerMetrics create(@Nullable MeterRegistry given) {
    if (given != null) {
      return new ServerMetrics(given, null);
    }
    PrometheusMeterRegistry made = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new UptimeMetrics().bindTo(made);
    new ProcessorMetrics().bindTo(made);
    new FileDescriptorMetrics().bindTo(made);
    new ClassLoaderMetrics().bindTo(made);
    new JvmMemoryMetrics().bindTo(made);
    new JvmThreadMetrics().bindTo(made);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(made);
    return new ServerMetrics(made, gc);
  }

  /** Returns the observer to give the hub: these metrics, then {@code extra} when there is one. */
  public HubObserver observer(@Nullable HubObserver extra) {
    return extra == null ? observer : new CompositeObserver(observer, extra);
  }

  /** Registers the gauges over the channel registry and the transport's byte count. */
  public void watch(ChannelRegistry channels, WebSocketTransport transport) {
    meters.add(Gauge.builder("ignition.channels", channels, ChannelRegistry::channelCount)
        .description("Channels with at least one subscriber, across all apps")
        .register(registry));
    meters.add(Gauge.builder("ignition.subscriptions", channels,
            ChannelRegistry::subscriptionCount)
        .description("Subscriptions of connections to channels, across all apps")
        .register(registry));
    meters.add(FunctionCounter.builder("ignition.delivery.bytes", transport,
            WebSocketTransport::bytesWritten)
        .baseUnit(BaseUnits.BYTES)
        .description("Bytes written to WebSocket connections: events, replies and control frames")
        .register(registry));
    watchTransport(transport);
  }

  private void watchTransport(WebSocketTransport transport) {
    meters.add(Gauge.builder("ignition.delivery.queued", transport,
            WebSocketTransport::queuedBytes)
        .baseUnit(BaseUnits.BYTES)
        .description("Bytes queued for WebSocket connections and not written yet")
        .register(registry));
    meters.add(Gauge.builder("ignition.transport.connections", transport,
            WebSocketTransport::connections)
        .description("TCP connections on the WebSocket port, upgraded or not")
        .register(registry));
    meters.add(FunctionCounter.builder("ignition.connections.dropped", transport,
            WebSocketTransport::slowConsumers)
        .tag("reason", "slow_consumer")
        .description("Connections the server closed for its own reasons: 4008 slow consumers, "
            + "peers silent past the ping timeout")
        .register(registry));
    meters.add(FunctionCounter.builder("ignition.connections.dropped", transport,
            WebSocketTransport::pingTimeouts)
        .tag("reason", "ping_timeout")
        .description("Connections the server closed for its own reasons: 4008 slow consumers, "
            + "peers silent past the ping timeout")
        .register(registry));
  }

  /** Registers the cluster bridge's state: whether Redis is reachable, and events it dropped. */
  public void watch(RedisHealth redis) {
    meters.add(Gauge.builder("ignition.redis.up", redis, health -> health.up() ? 1 : 0)
        .description("1 while this node reaches Redis, 0 while it serves its clients alone")
        .register(registry));
    meters.add(FunctionCounter.builder("ignition.redis.dropped.events", redis,
            RedisHealth::dropped)
        .description("Events that could not be passed to other nodes because Redis was down")
        .register(registry));
  }

  /** Returns the registry the meters are on. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Returns the registry when it can be scraped in the Prometheus format, else null. */
  public @Nullable PrometheusMeterRegistry prometheus() {
    return registry instanceof PrometheusMeterRegistry prometheus ? prometheus : null;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (gcMetrics == null) {
      meters.forEach(registry::remove);
      return;
    }
    gcMetrics.close();
    registry.close();
  }
}
