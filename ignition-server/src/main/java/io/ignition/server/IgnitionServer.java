package io.ignition.server;

import com.google.gson.JsonObject;
import io.ignition.core.App;
import io.ignition.core.ChannelRegistry;
import io.ignition.core.EventHub;
import io.ignition.core.HubObserver;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.server.cluster.ClusterMode;
import io.ignition.server.cluster.RedisSettings;
import io.ignition.server.internal.ConnectionLimits;
import io.ignition.server.internal.EngineIoSettings;
import io.ignition.server.internal.HttpApi;
import io.ignition.server.internal.ServerMetrics;
import io.ignition.server.internal.TransportSettings;
import io.ignition.server.internal.WebSocketTransport;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An Ignition node: the WebSocket endpoints (native protocol at {@code /v1}, Socket.IO at
 * {@code /socket.io/}) and the HTTP API around one {@link EventHub}. Embed it in a JVM
 * application, or let the launcher run it.
 *
 * <pre>{@code
 * try (IgnitionServer server = IgnitionServer.builder()
 *     .port(0)
 *     .app("acme", Plan.PRO, "k-acme-1")
 *     .build()) {
 *   server.start();
 *   server.publish("acme", "news", "update", "{\"headline\":\"hello\"}");
 * }
 * }</pre>
 *
 * <p>The HTTP port also serves {@code GET /metrics} for Prometheus; docs/metrics.md lists the
 * meters.
 *
 * <p>Thread-safe. A server is started once and closed once; to serve again on the same port,
 * build a new one.
 */
public final class IgnitionServer implements AutoCloseable {
  private final EventHub hub;
  private final TransportSettings transportSettings;
  private final @Nullable InetSocketAddress httpAddress;
  private final int httpThreads;
  private final @Nullable String adminToken;
  private final WebSocketTransport transport;
  private final ServerMetrics metrics;
  private final Duration shutdownGrace;
  private volatile @Nullable HttpApi http;
  private volatile boolean started;
  private boolean closed;

  private final @Nullable ClusterMode cluster;

  private IgnitionServer(Builder builder, EventHub hub, ServerMetrics metrics,
      @Nullable ClusterMode cluster) {
    this.cluster = cluster;
    this.hub = hub;
    this.metrics = metrics;
    InetSocketAddress wsAddress = new InetSocketAddress(builder.host, builder.port);
    EngineIoSettings engineIo = new EngineIoSettings(builder.socketIoPingInterval,
        builder.socketIoPingTimeout, EngineIoSettings.DEFAULTS.connectTimeout());
    ConnectionLimits limits = new ConnectionLimits(builder.maxConnections,
        builder.maxConnectionsPerAddress, builder.maxHandshakeBytes, builder.maxHandshakeHeaders,
        builder.handshakeTimeout);
    this.transportSettings = new TransportSettings(wsAddress, builder.decoderThreads,
        builder.flushThreads, builder.maxQueuedBytes, builder.pingInterval, builder.pingTimeout,
        builder.closeGrace, builder.shutdownGrace, engineIo, limits);
    this.httpAddress = builder.httpPort < 0 ? null
        : new InetSocketAddress(builder.host, builder.httpPort);
    this.httpThreads = builder.httpThreads;
    this.adminToken = builder.adminToken;
    this.shutdownGrace = builder.shutdownGrace;
    this.transport = new WebSocketTransport(transportSettings);
    metrics.watch(hub.registry(), transport);
  }

  /** Returns a builder with the defaults: ports 4000 and 4001 on all interfaces, no apps. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds both ports and starts serving.
   *
   * @throws IOException when a port cannot be bound; nothing is left running then
   * @throws IllegalStateException when already started
   */
  public synchronized void start() throws IOException {
    if (started) {
      throw new IllegalStateException("server already started");
    }
    started = true;
    if (cluster != null) {
      cluster.start();
      metrics.watch(cluster.health());
    }
    transport.start(hub);
    if (httpAddress != null) {
      try {
        HttpApi api = HttpApi.start(hub, httpAddress, httpThreads, metrics.prometheus(),
            adminToken);
        if (cluster != null) {
          api.healthDetail(() -> clusterHealth(cluster));
        }
        http = api;
      } catch (IOException e) {
        transport.close();
        throw new IOException("cannot listen for HTTP on " + httpAddress + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** Returns the bound WebSocket port. */
  public int port() {
    return transport.address().getPort();
  }

  /**
   * Returns the bound HTTP port.
   *
   * @throws IllegalStateException when the HTTP API is off or the server is not started
   */
  public int httpPort() {
    HttpApi api = http;
    if (api == null) {
      throw new IllegalStateException("HTTP API not running");
    }
    return api.address().getPort();
  }

  /**
   * Publishes a server-side event into a channel of an app; it counts against no quota.
   *
   * @param data the payload as JSON text, forwarded as is
   * @return how many subscribers on this node it was delivered to
   * @throws IllegalArgumentException when the channel, the event or the data is invalid
   */
  public int publish(String appId, String channel, String event, String data) {
    return hub.publish(appId, channel, event, data);
  }

  private static JsonObject clusterHealth(ClusterMode cluster) {
    JsonObject detail = new JsonObject();
    detail.addProperty("mode", "cluster");
    detail.addProperty("node", cluster.nodeId());
    detail.addProperty("redis", cluster.health().up() ? "up" : "down");
    if (!cluster.health().up()) {
      detail.addProperty("redisError", cluster.health().lastError());
    }
    detail.addProperty("droppedEvents", cluster.health().dropped());
    return detail;
  }

  /** Returns the hub, for metrics and tests. */
  public EventHub hub() {
    return hub;
  }

  /**
   * Returns the registry holding the server's meters: the one given to
   * {@link Builder#meterRegistry}, or the Prometheus registry the server made.
   */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /**
   * Shuts down gracefully, within the shutdown grace ({@link Builder#shutdownGrace}):
   *
   * <ol>
   *   <li>the HTTP API answers 503 (but {@code /metrics}), new WebSocket upgrades are answered 503,
   *       and emits are refused with {@code shutting_down};
   *   <li>publishes already taken finish, so that every event the server acknowledged is queued
   *       for its subscribers;
   *   <li>every client is closed with 1001 and a reason, after what is queued for it; the server
   *       waits for clients to read it and end their connections;
   *   <li>whoever has not when the grace ends is cut off; both ports are released, and the
   *       server's meters are removed from a registry it was given.
   * </ol>
   *
   * <p>Blocks for at most the grace and about a second. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + shutdownGrace.toNanos();
    HttpApi api = http;
    if (api != null) {
      api.drain();
    }
    transport.drain();
    hub.drain(shutdownGrace);
    transport.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (api != null) {
      api.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    metrics.close();
  }

  /**
   * Builds an {@link IgnitionServer}. Setters validate at once; {@link #build()} leaves the builder
   * reusable. Not thread-safe.
   */
  public static final class Builder {
    private final EventHub.Builder hub = EventHub.builder();
    private final Map<String, App> keys = new HashMap<>();
    private final Map<String, App> appsById = new HashMap<>();
    private @Nullable KeyStore store;
    private @Nullable String adminToken;
    private @Nullable HubObserver observer;
    private @Nullable MeterRegistry meterRegistry;
    private @Nullable RedisSettings redis;
    private boolean registrySet;
    private boolean quotasSet;
    private String host = "0.0.0.0";
    private int port = 4000;
    private int httpPort = 4001;
    private int decoderThreads = Runtime.getRuntime().availableProcessors();
    private int flushThreads = Runtime.getRuntime().availableProcessors();
    private int httpThreads = 16;
    private long maxQueuedBytes = 1024 * 1024;
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration pingTimeout = Duration.ofSeconds(15);
    private Duration closeGrace = Duration.ofSeconds(10);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private int maxConnections = ConnectionLimits.DEFAULTS.maxConnections();
    private int maxConnectionsPerAddress = ConnectionLimits.DEFAULTS.maxConnectionsPerAddress();
    private int maxHandshakeBytes = ConnectionLimits.DEFAULTS.maxHandshakeBytes();
    private int maxHandshakeHeaders = ConnectionLimits.DEFAULTS.maxHandshakeHeaders();
    private Duration handshakeTimeout = ConnectionLimits.DEFAULTS.handshakeTimeout();
    private Duration socketIoPingInterval = EngineIoSettings.DEFAULTS.pingInterval();
    private Duration socketIoPingTimeout = EngineIoSettings.DEFAULTS.pingTimeout();

    private Builder() {}

    /** Sets the interface to listen on; default {@code 0.0.0.0} (all). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Sets the WebSocket port; 0 picks a free one. Default 4000. */
    public Builder port(int port) {
      this.port = checkPort(port, "port");
      return this;
    }

    /** Sets the HTTP API's port; 0 picks a free one, -1 turns the API off. Default 4001. */
    public Builder httpPort(int httpPort) {
      this.httpPort = httpPort == -1 ? -1 : checkPort(httpPort, "httpPort");
      return this;
    }

    /**
     * Adds an app with its keys, resolved from memory.
     *
     * @throws IllegalArgumentException when there is no key, or a key is already taken
     */
    public Builder app(String id, Plan plan, String... apiKeys) {
      if (apiKeys.length == 0) {
        throw new IllegalArgumentException("app " + id + " needs at least one key");
      }
      App app = appsById.computeIfAbsent(id, appId -> new App(appId, plan));
      if (!app.plan().equals(plan)) {
        throw new IllegalArgumentException("app " + id + " was added on plan "
            + app.plan().name() + ", now on " + plan.name());
      }
      for (String key : apiKeys) {
        Objects.requireNonNull(key, "apiKey");
        App previous = keys.putIfAbsent(key, app);
        if (previous != null && previous != app) {
          throw new IllegalArgumentException("key already belongs to app " + previous.id());
        }
      }
      return this;
    }

    /** Sets the apps, plans and keys, replacing the apps added with {@link #app}. */
    public Builder keys(KeyStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Turns on the admin API under {@code /admin/} on the HTTP port (docs/admin-api.md), for
     * callers that send {@code Authorization: Bearer ADMIN_TOKEN}. Default: off, and every admin
     * request is answered 404 {@code admin_disabled}.
     *
     * @throws IllegalArgumentException for a blank token
     */
    public Builder adminToken(String adminToken) {
      Objects.requireNonNull(adminToken, "adminToken");
      if (adminToken.isBlank()) {
        throw new IllegalArgumentException("adminToken must not be blank");
      }
      this.adminToken = adminToken;
      return this;
    }

    /**
     * Sets an observer that hears what the hub does, besides the server's own meters, which hear
     * it first. Default: none.
     */
    public Builder observer(HubObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Sets the registry the server's meters go on, such as the embedding application's. A
     * {@code PrometheusMeterRegistry} is also served at {@code GET /metrics}; any other kind leaves
     * that endpoint answering 404. The server binds no JVM metrics to a given registry, and
     * {@link IgnitionServer#close} removes its meters from it. Give each server its own registry,
     * or one at a time: two open servers on one registry would share their meters.
     *
     * <p>Default: each server makes a Prometheus registry with uptime, JVM and process metrics.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /** Sets the quota policy; default: plans enforced in memory ({@link QuotaPolicy#inMemory}). */
    public Builder quotas(QuotaPolicy quotas) {
      hub.quotas(quotas);
      quotasSet = true;
      return this;
    }

    /** Sets the channel registry; default a new in-memory one. */
    public Builder registry(ChannelRegistry registry) {
      hub.registry(registry);
      registrySet = true;
      return this;
    }

    /** Sets the largest client message in bytes; larger ones close with 1009. Default 65,536. */
    public Builder maxFrameBytes(int maxFrameBytes) {
      hub.maxFrameBytes(maxFrameBytes);
      return this;
    }

    /** Sets how many channels one connection may hold. Default 100. */
    public Builder maxChannelsPerConnection(int maxChannels) {
      hub.maxChannelsPerConnection(maxChannels);
      return this;
    }

    /**
     * Sets the unsent bytes a connection may have before it is closed with 4008 as a slow
     * consumer; its backlog is dropped then, and it has {@link #closeGrace} to read the close
     * frame. At least 1,024; default 1 MiB.
     */
    public Builder maxQueuedBytes(long maxQueuedBytes) {
      if (maxQueuedBytes < 1024) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least 1024, was "
            + maxQueuedBytes);
      }
      this.maxQueuedBytes = maxQueuedBytes;
      return this;
    }

    /**
     * Sets how long a WebSocket connection may stay silent before the server pings it; any byte
     * from the client, a pong included, counts. Zero turns pings and the dead-peer check off.
     * Default 30 s. Socket.IO sessions also have their own heartbeat
     * ({@link #socketIoPingInterval}).
     */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = TransportSettings.requireNotNegative(pingInterval, "pingInterval");
      return this;
    }

    /**
     * Sets how much longer a pinged connection may stay silent before its TCP connection is cut,
     * which frees its subscriptions and its plan's connection slot: a dead peer is noticed within
     * {@code pingInterval + pingTimeout}. Positive; default 15 s.
     */
    public Builder pingTimeout(Duration pingTimeout) {
      this.pingTimeout = TransportSettings.requirePositive(pingTimeout, "pingTimeout");
      return this;
    }

    /**
     * Sets how long a connection that the server closes (a slow consumer's 4008, a plan limit's
     * 4029, a protocol error) may take to read the close frame and end the connection before its
     * TCP connection is cut. A client that pauses for less than this still reads its close code.
     * Positive; default 10 s.
     */
    public Builder closeGrace(Duration closeGrace) {
      this.closeGrace = TransportSettings.requirePositive(closeGrace, "closeGrace");
      return this;
    }

    /**
     * Sets how long {@link IgnitionServer#close} lets clients receive what is queued for them and
     * finish the close handshake before it cuts them off. Zero cuts them at once; default 10 s.
     */
    public Builder shutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = TransportSettings.requireNotNegative(shutdownGrace, "shutdownGrace");
      return this;
    }

    /**
     * Sets how many TCP connections the WebSocket port holds at once, upgraded or not; past it,
     * upgrade requests are answered 503 {@code node_limit}. Default 100,000.
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = ConnectionLimits.requireAtLeast(maxConnections, 1, "maxConnections");
      return this;
    }

    /**
     * Sets how many TCP connections one source address holds at once; past it, upgrade requests
     * are answered 429 {@code address_limit}. Behind a proxy every client shares the proxy's
     * address: raise it there. Default 10,000.
     */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      this.maxConnectionsPerAddress = ConnectionLimits.requireAtLeast(maxConnectionsPerAddress, 1,
          "maxConnectionsPerAddress");
      return this;
    }

    /**
     * Sets the largest upgrade request, headers included, in bytes; a larger one is cut off
     * without an answer. At least 1,024; default 16,384.
     */
    public Builder maxHandshakeBytes(int maxHandshakeBytes) {
      this.maxHandshakeBytes = ConnectionLimits.requireAtLeast(maxHandshakeBytes, 1024,
          "maxHandshakeBytes");
      return this;
    }

    /**
     * Sets the most header lines an upgrade request may have; one with more is cut off without an
     * answer. At least 8; default 100.
     */
    public Builder maxHandshakeHeaders(int maxHandshakeHeaders) {
      this.maxHandshakeHeaders = ConnectionLimits.requireAtLeast(maxHandshakeHeaders, 8,
          "maxHandshakeHeaders");
      return this;
    }

    /**
     * Sets how long the Socket.IO endpoint ({@code /socket.io/}) waits after a client's pong
     * before it pings again, 1 ms to 1 h. Default 25 s, as Socket.IO's.
     */
    public Builder socketIoPingInterval(Duration interval) {
      this.socketIoPingInterval = checkHeartbeat(interval, "socketIoPingInterval");
      return this;
    }

    /**
     * Sets how long the Socket.IO endpoint waits for the pong to a ping before it closes the
     * connection, 1 ms to 1 h. Default 20 s, as Socket.IO's.
     */
    public Builder socketIoPingTimeout(Duration timeout) {
      this.socketIoPingTimeout = checkHeartbeat(timeout, "socketIoPingTimeout");
      return this;
    }

    /**
     * Sets how long a new connection may take to send its whole upgrade request before it is
     * dropped. Default 10 s.
     */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive, was "
            + handshakeTimeout);
      }
      this.handshakeTimeout = handshakeTimeout;
      return this;
    }

    /**
     * Sets the number of threads that decode client frames and run their requests, publishing
     * included. Default: one per processor.
     */
    public Builder decoderThreads(int decoderThreads) {
      if (decoderThreads < 1) {
        throw new IllegalArgumentException("decoderThreads must be at least 1, was "
            + decoderThreads);
      }
      this.decoderThreads = decoderThreads;
      return this;
    }

    /** Sets the number of threads that write to sockets. Default: one per processor. */
    public Builder flushThreads(int flushThreads) {
      if (flushThreads < 1) {
        throw new IllegalArgumentException("flushThreads must be at least 1, was " + flushThreads);
      }
      this.flushThreads = flushThreads;
      return this;
    }

    /**
     * Joins a cluster through Redis: channels and quotas are shared with the other nodes, unless
     * {@link #registry} or {@link #quotas} set others. Off by default.
     */
    public Builder redis(RedisSettings settings) {
      this.redis = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Returns a new, unstarted server. */
    public IgnitionServer build() {
      hub.keys(store != null ? store : KeyStore.inMemory(keys));
      ServerMetrics metrics = ServerMetrics.create(meterRegistry);
      HubObserver observed = metrics.observer(observer);
      hub.observer(observed);
      ClusterMode cluster = null;
      if (redis != null) {
        cluster = new ClusterMode(redis, Clock.systemUTC(), observed);
        if (!registrySet) {
          hub.registry(cluster.registry());
        }
        if (!quotasSet) {
          hub.quotas(cluster.quotas());
        }
      }
      return new IgnitionServer(this, hub.build(), metrics, cluster);
    }

    private static Duration checkHeartbeat(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(EngineIoSettings.MAX) > 0 || value.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be 1 ms to 1 h, was " + value);
      }
      return value;
    }

    private static int checkPort(int port, String name) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(name + " must be 0 to 65535, was " + port);
      }
      return port;
    }
  }
}
