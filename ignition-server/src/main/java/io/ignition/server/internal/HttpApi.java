package io.ignition.server.internal;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.EventHub;
import io.ignition.core.internal.Json;
import io.ignition.core.internal.PublishRequest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on the JDK's server: publish, info, health, metrics and the admin API
 * (docs/protocol.md, docs/metrics.md, docs/admin-api.md).
 *
 * <p>Requests run on a small fixed pool. Every answer is JSON; errors carry a code and a message.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final String BEARER = "bearer ";
  /** The Prometheus text format, version 0.0.4, which every Prometheus server accepts. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  static {
    // The JDK's server waits forever for a slow request by default, so a handful of clients that
    // never finish theirs would hold every handler thread. These bounds are read once, when the
    // first server of the JVM is made; an embedder's own settings win.
    setIfAbsent("sun.net.httpserver.maxReqTime", "10");
    setIfAbsent("sun.net.httpserver.maxRspTime", "30");
  }

  private final EventHub hub;
  private final @Nullable PrometheusMeterRegistry metrics;
  private final AdminApi admin;
  private final int maxBodyBytes;
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile Supplier<JsonObject> healthDetail = JsonObject::new;
  private volatile boolean draining;

  private HttpApi(EventHub hub, HttpServer server, int threads,
      @Nullable PrometheusMeterRegistry metrics, @Nullable String adminToken) {
    this.hub = hub;
    this.metrics = metrics;
    this.admin = new AdminApi(hub, adminToken);
    this.maxBodyBytes = hub.maxFrameBytes();
    this.server = server;
    this.executor = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "ignition-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  private static void setIfAbsent(String property, String seconds) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, seconds);
    }
  }

  /**
   * Binds the API; port 0 picks a free port.
   *
   * @param metrics the registry {@code GET /metrics} serves, or null to answer it with 404
   * @param adminToken the admin API's token, or null to turn the admin API off
   */
  public static HttpApi start(EventHub hub, InetSocketAddress address, int threads,
      @Nullable PrometheusMeterRegistry metrics, @Nullable String adminToken) throws IOException {
    HttpApi api = new HttpApi(hub, HttpServer.create(address, 128), threads, metrics,
        adminToken);
    api.server.start();
    return api;
  }

  /** Adds fields to what {@code /healthz} reports, such as the cluster's Redis state. */
  public void healthDetail(Supplier<JsonObject> detail) {
    this.healthDetail = Objects.requireNonNull(detail, "detail");
  }

  /** Returns the bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Answers every request but {@code GET /metrics} with 503 from now on: {@code /healthz} with
   * {@code {"status":"shutting_down"}}, the rest with error {@code shutting_down}.
   */
  public void drain() {
    draining = true;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    } catch (RuntimeException e) {
      log.warn("HTTP request failed path={}", exchange.getRequestURI().getPath(), e);
      respondError(exchange, 500, "internal", "internal error");
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (draining && !path.equals("/metrics")) {
      refuseWhileDraining(exchange, path);
      return;
    }
    switch (path) {
      case "/healthz" -> {
        if (requireMethod(exchange, method, "GET")) {
          JsonObject status = healthDetail.get();
          status.addProperty("status", "serving");
          respond(exchange, 200, status);
        }
      }
      case "/v1/publish" -> {
        if (requireMethod(exchange, method, "POST")) {
          publish(exchange);
        }
      }
      case "/v1/info" -> {
        if (requireMethod(exchange, method, "GET")) {
          info(exchange);
        }
      }
      case "/metrics" -> {
        if (requireMethod(exchange, method, "GET")) {
          metrics(exchange);
        }
      }
      default -> {
        if (AdminApi.owns(path)) {
          admin.handle(exchange);
        } else {
          respondError(exchange, 404, "not_found", "no such endpoint: " + path);
        }
      }
    }
  }

  private static void refuseWhileDraining(HttpExchange exchange, String path) throws IOException {
    exchange.getResponseHeaders().set("Retry-After", "5");
    if (path.equals("/healthz")) {
      JsonObject status = new JsonObject();
      status.addProperty("status", "shutting_down");
      respond(exchange, 503, status);
    } else {
      respondError(exchange, 503, "shutting_down", "the server is shutting down; "
          + "send the request to another node");
    }
  }

  private void publish(HttpExchange exchange) throws IOException {
    App app = authenticate(exchange);
    if (app == null) {
      return;
    }
    String body = readBody(exchange, maxBodyBytes);
    if (body == null) {
      return;
    }
    PublishRequest request;
    try {
      request = PublishRequest.parse(body);
    } catch (IllegalArgumentException e) {
      respondError(exchange, 400, "bad_request", e.getMessage());
      return;
    }
    Admission result = hub.publish(app, request.channel(), request.event(), request.data());
    if (result.admitted()) {
      JsonObject ok = new JsonObject();
      ok.addProperty("ok", true);
      respond(exchange, 202, ok);
    } else {
      int status = switch (result.code()) {
        case "quota_exceeded" -> 429;
        case "shutting_down" -> 503;
        default -> 400;
      };
      respondError(exchange, status, result.code(), result.message());
    }
  }

  private void info(HttpExchange exchange) throws IOException {
    App app = authenticate(exchange);
    if (app != null) {
      respond(exchange, 200, hub.info(app));
    }
  }

  /** Answers a Prometheus scrape; it needs no key, like {@code /healthz}. */
  private void metrics(HttpExchange exchange) throws IOException {
    PrometheusMeterRegistry registry = metrics;
    if (registry == null) {
      respondError(exchange, 404, "not_found", "metrics go to the embedding application's "
          + "meter registry, not to this endpoint");
      return;
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
    registry.scrape(text, PROMETHEUS_TEXT);
    exchange.getResponseHeaders().set("Content-Type", PROMETHEUS_TEXT);
    exchange.sendResponseHeaders(200, text.size());
    try (OutputStream out = exchange.getResponseBody()) {
      text.writeTo(out);
    }
  }

  private @Nullable App authenticate(HttpExchange exchange) throws IOException {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String key = header != null && header.toLowerCase(Locale.ROOT).startsWith(BEARER)
        ? header.substring(BEARER.length()).trim() : null;
    App app = hub.authenticate(key);
    if (app == null) {
      respondError(exchange, 401, "unauthorized", key == null
          ? "missing API key: send Authorization: Bearer KEY" : "unknown or revoked API key");
    }
    return app;
  }

  /** Returns the body as text, or null after answering why it cannot be read. */
  static @Nullable String readBody(HttpExchange exchange, int maxBodyBytes) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(maxBodyBytes + 1);
    }
    if (bytes.length > maxBodyBytes) {
      respondError(exchange, 413, "too_large", "body over " + maxBodyBytes + " bytes");
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      respondError(exchange, 400, "bad_request", "body is not valid UTF-8");
      return null;
    }
  }

  static boolean requireMethod(HttpExchange exchange, String method, String allowed)
      throws IOException {
    if (method.equals(allowed)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", allowed);
    respondError(exchange, 405, "method_not_allowed", "use " + allowed);
    return false;
  }

  static void respondError(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    JsonObject body = new JsonObject();
    body.add("error", error);
    respond(exchange, status, body);
  }

  static void respond(HttpExchange exchange, int status, JsonObject body)
      throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
