package io.ignition.core;

import com.google.gson.JsonObject;
import io.ignition.core.internal.CachingKeyStore;
import io.ignition.core.internal.FrameDecoder;
import io.ignition.core.internal.Names;
import io.ignition.core.internal.NativeSession;
import io.ignition.core.internal.PublishGate;
import io.ignition.core.internal.SessionIndex;
import io.ignition.core.internal.Wire;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The heart of an Ignition node: resolves keys, applies the quota policy, runs the native protocol
 * for each connection a {@link Transport} brings, and publishes events into the channel registry.
 *
 * <p>Immutable once built and thread-safe. Build one per node with {@link #builder()}.
 */
public final class EventHub {
  private static final Admission SHUTTING_DOWN = Admission.refuse("shutting_down",
      "the server is shutting down; send the request to another node");

  private final KeyStore keys;
  private final QuotaPolicy quotas;
  private final ChannelRegistry registry;
  private final HubObserver observer;
  private final SessionIndex sessions = new SessionIndex();
  private final PublishGate publishGate = new PublishGate();
  private final int maxFrameBytes;
  private final int maxChannelsPerConnection;
  private final AtomicLong connectionSequence = new AtomicLong();
  private final String nodeTag = Long.toString(System.nanoTime() & 0xffffff, 36);

  private EventHub(Builder builder) {
    this.keys = new CachingKeyStore(builder.keys);
    this.quotas = builder.quotas != null ? builder.quotas : QuotaPolicy.inMemory(Clock.systemUTC());
    this.registry = builder.registry;
    this.observer = builder.observer;
    this.maxFrameBytes = builder.maxFrameBytes;
    this.maxChannelsPerConnection = builder.maxChannelsPerConnection;
  }

  /**
   * Returns a builder with no apps, plans enforced in memory ({@link QuotaPolicy#inMemory}) and
   * in-memory channels.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the native protocol on a new connection: checks the key and the connection quota, then
   * sends the welcome. A refused connection is closed (4001 for a bad key, 4029 for a plan limit)
   * and the returned session ignores whatever else arrives.
   *
   * @param apiKey the key the client presented, or null when it presented none
   * @param echo whether the connection receives its own emits
   */
  public Session openNative(Connection connection, @Nullable String apiKey, boolean echo) {
    return NativeSession.open(this, connection, apiKey, echo);
  }

  /** Returns the app the key belongs to, or null for a missing, unknown or revoked key. */
  public @Nullable App authenticate(@Nullable String apiKey) {
    return apiKey == null || apiKey.isEmpty() ? null : keys.resolve(apiKey);
  }

  /**
   * Revokes a key and closes its open connections with 4001.
   *
   * @return false when the key was not known
   */
  public boolean revokeKey(String apiKey) {
    boolean known = keys.revokeKey(apiKey);
    sessions.closeKeys(apiKey::equals, NativeSession.CLOSE_BAD_KEY, "API key revoked");
    return known;
  }

  /**
   * Re-reads the key store's source; connections whose key no longer resolves close with 4001.
   *
   * @throws IOException when the source cannot be read or is invalid; nothing changes then
   */
  public void reloadKeys() throws IOException {
    keys.reload();
    sessions.closeKeys(key -> keys.resolve(key) == null, NativeSession.CLOSE_BAD_KEY,
        "API key revoked");
  }

  /**
   * Moves an app to the named plan; its limits apply from its next request.
   *
   * @throws NoSuchElementException when the app or the plan is unknown
   */
  public App changePlan(String appId, String planName) {
    Plan plan = keys.plan(planName);
    if (plan == null) {
      throw new NoSuchElementException("no plan " + planName);
    }
    keys.changePlan(appId, plan);
    return Objects.requireNonNull(keys.app(appId), "app vanished");
  }

  /**
   * Publishes an event on behalf of a client of {@code app} outside any connection (the HTTP API):
   * validates it, counts it as a request, and fans it out.
   *
   * @param data the payload as JSON text
   * @return admitted, or refused with {@code invalid_channel}, {@code invalid_event},
   *     {@code bad_request} (data is not JSON), {@code shutting_down} (after {@link #drain}) or the
   *     quota policy's refusal
   */
  public Admission publish(App app, String channel, String event, String data) {
    Admission invalid = validate(channel, event, data);
    if (!invalid.admitted()) {
      return invalid;
    }
    observer.operation("publish");
    if (!publishGate.enter()) {
      return SHUTTING_DOWN;
    }
    try {
      Admission admission = quotas.admitRequest(app);
      if (admission.admitted()) {
        observer.published(app, registry.publish(new Event(app.id(), channel, event, data,
            null)));
      } else {
        observer.requestRefused(app, admission.code());
      }
      return admission;
    } finally {
      publishGate.exit();
    }
  }

  /**
   * Publishes a server-side event into a channel of an app, as embedding code does. It is not
   * counted against any quota.
   *
   * @param data the payload as JSON text
   * @return how many local subscribers it was delivered to
   * @throws IllegalArgumentException when the channel, the event or the data is invalid
   * @throws IllegalStateException after {@link #drain}: the node is shutting down
   */
  public int publish(String appId, String channel, String event, String data) {
    Objects.requireNonNull(appId, "appId");
    Admission invalid = validate(channel, event, data);
    if (!invalid.admitted()) {
      throw new IllegalArgumentException(invalid.message());
    }
    if (!publishGate.enter()) {
      throw new IllegalStateException("the server is shutting down");
    }
    try {
      int deliveries = registry.publish(new Event(appId, channel, event, data, null));
      App app = keys.app(appId);
      if (app != null) {
        observer.published(app, deliveries);
      }
      return deliveries;
    } finally {
      publishGate.exit();
    }
  }

  /**
   * Stops taking events, as a node does when it shuts down: from now on emits are answered with
   * error {@code shutting_down}, HTTP publishes are refused with it, and
   * {@link #publish(String, String, String, String)} throws. Then waits up to {@code timeout} for
   * the publishes already taken to reach every local subscriber's queue. Subscriptions and
   * connections are not touched: the transport closes them after. Idempotent.
   *
   * @return true when every publish taken has been delivered, false when the timeout passed
   *     first
   */
  public boolean drain(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    try {
      return publishGate.close(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Returns the gate every publish passes; for protocol implementations. */
  public PublishGate publishGate() {
    return publishGate;
  }

  /** Returns what the {@code info} op reports for the app: plan, limits and usage. */
  public JsonObject info(App app) {
    return Wire.info(app, quotas.usage(app), this);
  }

  /** Returns the key store, behind the hub's cache; change it through the hub's methods. */
  public KeyStore keys() {
    return keys;
  }

  /** Returns the observer that hears what the hub does. */
  public HubObserver observer() {
    return observer;
  }

  /** Returns the open sessions by key; for protocol implementations. */
  public SessionIndex sessions() {
    return sessions;
  }

  /** Returns the channel registry events are published into. */
  public ChannelRegistry registry() {
    return registry;
  }

  /** Returns the quota policy. */
  public QuotaPolicy quotas() {
    return quotas;
  }

  /** Returns the largest client message accepted, in bytes; transports enforce it (close 1009). */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Returns how many channels one connection may subscribe to. */
  public int maxChannelsPerConnection() {
    return maxChannelsPerConnection;
  }

  /** Returns a new connection id, unique in this process. */
  public String nextConnectionId() {
    return "c-" + nodeTag + "-" + Long.toString(connectionSequence.incrementAndGet(), 36);
  }

  private static Admission validate(String channel, String event, String data) {
    String error = Names.channelError(channel);
    if (error != null) {
      return Admission.refuse("invalid_channel", error);
    }
    error = Names.eventError(event);
    if (error != null) {
      return Admission.refuse("invalid_event", error);
    }
    error = FrameDecoder.jsonError(data);
    return error == null ? Admission.admit() : Admission.refuse("bad_request", error);
  }

  /**
   * Builds an {@link EventHub}. Setters validate at once; {@link #build()} leaves the builder
   * reusable. Not thread-safe.
   */
  public static final class Builder {
    private KeyStore keys = KeyStore.inMemory(Map.of());
    private @Nullable QuotaPolicy quotas;
    private ChannelRegistry registry = ChannelRegistry.inMemory();
    private HubObserver observer = HubObserver.NONE;
    private int maxFrameBytes = 64 * 1024;
    private int maxChannelsPerConnection = 100;

    private Builder() {}

    /** Sets the apps, plans and keys; default: no key is valid. */
    public Builder keys(KeyStore keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** Sets the observer, for metrics; default {@link HubObserver#NONE}. */
    public Builder observer(HubObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /** Sets the quota policy; default: {@link QuotaPolicy#inMemory} on the UTC system clock. */
    public Builder quotas(QuotaPolicy quotas) {
      this.quotas = Objects.requireNonNull(quotas, "quotas");
      return this;
    }

    /** Sets the channel registry; default: a new {@link ChannelRegistry#inMemory()}. */
    public Builder registry(ChannelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Sets the largest client message in bytes, 256 at least; default 65,536. */
    public Builder maxFrameBytes(int maxFrameBytes) {
      if (maxFrameBytes < 256) {
        throw new IllegalArgumentException("maxFrameBytes must be at least 256, was "
            + maxFrameBytes);
      }
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** Sets how many channels one connection may hold, 1 at least; default 100. */
    public Builder maxChannelsPerConnection(int maxChannels) {
      if (maxChannels < 1) {
        throw new IllegalArgumentException("maxChannelsPerConnection must be at least 1, was "
            + maxChannels);
      }
      this.maxChannelsPerConnection = maxChannels;
      return this;
    }

    /** Returns a new hub with the current settings. */
    public EventHub build() {
      return new EventHub(this);
    }
  }
}
