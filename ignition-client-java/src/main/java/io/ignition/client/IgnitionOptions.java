package io.ignition.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Settings for {@link Ignition#connect}: where the server is, the API key, the optional
 * end-to-end encryption key, timeouts, reconnect backoff, the emit buffer and the callback
 * executor. Immutable and thread-safe; {@link #newBuilder()} derives variants.
 */
public final class IgnitionOptions {

  private final URI url;
  private final String apiKey;
  private final @Nullable String encryptionKey;
  private final @Nullable URI httpUrl;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final boolean reconnect;
  private final int bufferCapacity;
  private final Duration bufferTimeout;
  private final Duration pingInterval;
  private final boolean echo;
  private final @Nullable Executor callbackExecutor;
  private final List<Consumer<ConnectionState>> stateListeners;
  private final List<Consumer<Throwable>> errorListeners;
  private final TransportFactory transportFactory;

  private IgnitionOptions(Builder builder) {
    this.url = requireNonNull(builder.url, "url is required");
    this.apiKey = requireNonNull(builder.apiKey, "apiKey is required");
    this.encryptionKey = builder.encryptionKey;
    this.httpUrl = builder.httpUrl;
    this.connectTimeout = builder.connectTimeout;
    this.requestTimeout = builder.requestTimeout;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.reconnect = builder.reconnect;
    this.bufferCapacity = builder.bufferCapacity;
    this.bufferTimeout = builder.bufferTimeout;
    this.pingInterval = builder.pingInterval;
    this.echo = builder.echo;
    this.callbackExecutor = builder.callbackExecutor;
    this.stateListeners = List.copyOf(builder.stateListeners);
    this.errorListeners = List.copyOf(builder.errorListeners);
    this.transportFactory = builder.transportFactory;
  }

  /** Returns a builder with every setting at its default and no url or key. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these settings, to derive a variant. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** The server's WebSocket address as given, such as {@code ws://localhost:4000}. */
  public URI url() {
    return url;
  }

  /** The API key, sent as {@code Authorization: Bearer} on every connection and HTTP call. */
  public String apiKey() {
    return apiKey;
  }

  /** The end-to-end encryption passphrase, or null when payloads travel as plain JSON. */
  public @Nullable String encryptionKey() {
    return encryptionKey;
  }

  /** The base address of the HTTP API, or null when {@link Ignition#publish} is not used. */
  public @Nullable URI httpUrl() {
    return httpUrl;
  }

  /** The longest {@link Ignition#connect} and each reconnect attempt wait for the welcome. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The longest a sent request waits for the server's reply. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** The backoff cap of the first reconnect attempt; it doubles per attempt up to the maximum. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The largest backoff cap between reconnect attempts. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Whether the client reconnects after a drop the close code allows reconnecting from. */
  public boolean reconnect() {
    return reconnect;
  }

  /** How many emits made while disconnected may wait to be sent. */
  public int bufferCapacity() {
    return bufferCapacity;
  }

  /** The longest an operation made while disconnected waits for the connection to return. */
  public Duration bufferTimeout() {
    return bufferTimeout;
  }

  /** How often the client pings the server to detect a dead connection. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** Whether the connection also receives the events it emits itself. */
  public boolean echo() {
    return echo;
  }

  /** The executor running handlers, listeners and future completions; null for the default. */
  public @Nullable Executor callbackExecutor() {
    return callbackExecutor;
  }

  List<Consumer<ConnectionState>> stateListeners() {
    return stateListeners;
  }

  List<Consumer<Throwable>> errorListeners() {
    return errorListeners;
  }

  TransportFactory transportFactory() {
    return transportFactory;
  }

  /** The address connected to: the url with {@code /v1} when it has no path, and echo. */
  URI webSocketUri() {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty()
        || url.getRawPath().equals("/") ? "/v1" : url.getRawPath();
    String query = url.getRawQuery();
    if (echo) {
      query = query == null || query.isEmpty() ? "echo=true" : query + "&echo=true";
    }
    return URI.create(url.getScheme() + "://" + url.getRawAuthority() + path
        + (query == null ? "" : "?" + query));
  }

  /**
   * Builds {@link IgnitionOptions}. Setters check their argument at once and throw
   * {@link IllegalArgumentException} or {@link NullPointerException}; {@link #build()} checks
   * that url and apiKey are set. Not thread-safe; {@link #build()} leaves it reusable.
   */
  public static final class Builder {

    private @Nullable URI url;
    private @Nullable String apiKey;
    private @Nullable String encryptionKey;
    private @Nullable URI httpUrl;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private boolean reconnect = true;
    private int bufferCapacity = 1000;
    private Duration bufferTimeout = Duration.ofSeconds(30);
    private Duration pingInterval = Duration.ofSeconds(30);
    private boolean echo;
    private @Nullable Executor callbackExecutor;
    private final List<Consumer<ConnectionState>> stateListeners = new ArrayList<>();
    private final List<Consumer<Throwable>> errorListeners = new ArrayList<>();
    private TransportFactory transportFactory = JwsTransport.FACTORY;

    private Builder() {}

    private Builder(IgnitionOptions options) {
      url = options.url;
      apiKey = options.apiKey;
      encryptionKey = options.encryptionKey;
      httpUrl = options.httpUrl;
      connectTimeout = options.connectTimeout;
      requestTimeout = options.requestTimeout;
      initialBackoff = options.initialBackoff;
      maxBackoff = options.maxBackoff;
      reconnect = options.reconnect;
      bufferCapacity = options.bufferCapacity;
      bufferTimeout = options.bufferTimeout;
      pingInterval = options.pingInterval;
      echo = options.echo;
      callbackExecutor = options.callbackExecutor;
      stateListeners.addAll(options.stateListeners);
      errorListeners.addAll(options.errorListeners);
      transportFactory = options.transportFactory;
    }

    /**
     * Sets the server's WebSocket address, {@code ws://} or {@code wss://}, such as
     * {@code ws://localhost:4000}; {@code /v1} is added when it has no path. Required.
     */
    public Builder url(String url) {
      URI uri = parseUri(requireNonNull(url, "url"), "url");
      if (!"ws".equalsIgnoreCase(uri.getScheme()) && !"wss".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("url must start with ws:// or wss://, was " + url);
      }
      this.url = uri;
      return this;
    }

    /** Sets the API key of the app to connect as. Required. */
    public Builder apiKey(String apiKey) {
      this.apiKey = requireNotBlank(apiKey, "apiKey");
      return this;
    }

    /**
     * Sets the end-to-end encryption passphrase shared with the other clients, as the JavaScript
     * SDK's {@code encryptionKey}. Null, the default, sends payloads as plain JSON.
     */
    public Builder encryptionKey(@Nullable String encryptionKey) {
      this.encryptionKey = encryptionKey == null ? null
          : requireNotBlank(encryptionKey, "encryptionKey");
      return this;
    }

    /** Sets the HTTP API's base address, such as {@code http://localhost:4001}. Default: none. */
    public Builder httpUrl(@Nullable String httpUrl) {
      if (httpUrl == null) {
        this.httpUrl = null;
        return this;
      }
      URI uri = parseUri(httpUrl, "httpUrl");
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException(
            "httpUrl must start with http:// or https://, was " + httpUrl);
      }
      this.httpUrl = uri;
      return this;
    }

    /** Sets how long connecting may take, until the welcome. Default: 10 seconds. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requirePositive(timeout, "connectTimeout");
      return this;
    }

    /** Sets how long a sent request waits for its reply. Default: 10 seconds. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requirePositive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets the reconnect backoff: attempt n waits a random time between zero and
     * {@code min(max, initial * 2^(n-1))} (full jitter). Default: 500 ms and 30 seconds.
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.initialBackoff = requirePositive(initial, "initial");
      this.maxBackoff = requirePositive(max, "max");
      return this;
    }

    /** Sets whether the client reconnects after a drop. Default: true. */
    public Builder reconnect(boolean reconnect) {
      this.reconnect = reconnect;
      return this;
    }

    /**
     * Sets how many emits made while disconnected may wait for the connection; further ones
     * fail at once. Zero makes every emit made while disconnected fail. Default: 1000.
     */
    public Builder bufferCapacity(int capacity) {
      if (capacity < 0) {
        throw new IllegalArgumentException("bufferCapacity must be >= 0, was " + capacity);
      }
      this.bufferCapacity = capacity;
      return this;
    }

    /**
     * Sets how long an emit or subscribe made while disconnected waits for the connection
     * before its future fails; once sent it waits up to the request timeout for the reply.
     * Default: 30 seconds.
     */
    public Builder bufferTimeout(Duration timeout) {
      this.bufferTimeout = requirePositive(timeout, "bufferTimeout");
      return this;
    }

    /**
     * Sets how often the client pings the server; a connection that answers no ping within
     * about 1.5 intervals counts as lost. Whole seconds, at least one. Default: 30 seconds.
     */
    public Builder pingInterval(Duration interval) {
      requirePositive(interval, "pingInterval");
      if (interval.toSeconds() < 1) {
        throw new IllegalArgumentException("pingInterval must be at least 1s, was " + interval);
      }
      this.pingInterval = interval;
      return this;
    }

    /** Sets whether this client also receives the events it emits. Default: false. */
    public Builder echo(boolean echo) {
      this.echo = echo;
      return this;
    }

    /**
     * Sets the executor that runs handlers, listeners and the completion of returned futures;
     * the client never shuts it down. Handlers and listeners run one at a time, in order, even
     * on a pool. Future completions do not wait behind handlers, so a handler may block on a
     * future of this client provided the executor has a second thread; with a single thread it
     * deadlocks. The executor must not run tasks on the calling thread. Default: a pool of
     * daemon threads owned and shut down by the client.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /** Adds a connection state listener, which also sees the outcome of the first connect. */
    public Builder onStateChange(Consumer<ConnectionState> listener) {
      stateListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds an error listener; see {@link Ignition#onError}. */
    public Builder onError(Consumer<Throwable> listener) {
      errorListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    Builder transportFactory(TransportFactory factory) {
      this.transportFactory = requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws NullPointerException when url or apiKey is not set
     * @throws IllegalArgumentException when the initial backoff exceeds the maximum
     */
    public IgnitionOptions build() {
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException("initial backoff " + initialBackoff
            + " must not exceed max backoff " + maxBackoff);
      }
      return new IgnitionOptions(this);
    }

    private static URI parseUri(String text, String name) {
      try {
        URI uri = new URI(text);
        if (uri.getHost() == null) {
          throw new IllegalArgumentException(name + " must name a host, was " + text);
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(name + " is not a valid URI: " + text, e);
      }
    }

    private static String requireNotBlank(String value, String name) {
      if (requireNonNull(value, name).isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }

    private static Duration requirePositive(Duration value, String name) {
      if (requireNonNull(value, name).isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
