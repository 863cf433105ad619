package io.ignition.server.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import io.ignition.core.App;
import io.ignition.core.EventHub;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@code /admin/} on the HTTP port (docs/admin-api.md): an operator holding
 * the admin token lists apps with their usage, changes plans, resets daily windows, creates and
 * revokes keys, and reloads the key store.
 *
 * <p>Every request needs {@code Authorization: Bearer ADMIN_TOKEN}; anything else is answered 401
 * and changes nothing. Tokens are compared through their SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time taken reveals neither the token nor its length.
 * Without a configured token every request is answered 404 {@code admin_disabled}.
 *
 * <p>Thread-safe: it holds no state of its own; the key store serializes the changes.
 */
final class AdminApi {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  private static final String PREFIX = "/admin/";
  private static final String BEARER = "Bearer ";
  private static final int MAX_BODY_BYTES = 4096;

  private final EventHub hub;
  private final byte @Nullable [] tokenDigest;

  /** Creates the API; a null token turns it off. */
  AdminApi(EventHub hub, @Nullable String token) {
    this.hub = hub;
    this.tokenDigest = token == null ? null : sha256(token);
  }

  /** Returns whether the path belongs to this API. */
  static boolean owns(String path) {
    return path.startsWith(PREFIX) || path.equals("/admin");
  }

  /** Answers one request to a path that {@link #owns}. */
  void handle(HttpExchange exchange) throws IOException {
    if (!admitted(exchange)) {
      return;
    }
    String rawPath = exchange.getRequestURI().getRawPath();
    List<String> path = List.of(rawPath.substring(Math.min(PREFIX.length(), rawPath.length()))
        .split("/", -1));
    String id;
    try {
      // Only the variable segment is decoded, so an escaped '/' in an id cannot change the route.
      id = path.size() > 1 ? URLDecoder.decode(path.get(1).replace("+", "%2B"), UTF_8) : "";
    } catch (IllegalArgumentException e) {
      HttpApi.respondError(exchange, 400, "bad_request", "the path has a malformed %-escape");
      return;
    }
    try {
      route(exchange, shape(path), id);
    } catch (UncheckedIOException e) {
      log.warn("Admin change not saved path={}", exchange.getRequestURI().getPath(), e);
      HttpApi.respondError(exchange, 500, "save_failed", e.getMessage());
    }
  }

  /** Returns whether the API is on and the caller holds the token; answers 404 or 401 if not. */
  private boolean admitted(HttpExchange exchange) throws IOException {
    if (tokenDigest == null) {
      HttpApi.respondError(exchange, 404, "admin_disabled",
          "the admin API is off: set adminToken in the config file");
      return false;
    }
    String refusal = refusal(exchange.getRequestHeaders().getFirst("Authorization"));
    if (refusal != null) {
      log.debug("Admin request refused path={} reason={}", exchange.getRequestURI().getPath(),
          refusal);
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ignition-admin\"");
      HttpApi.respondError(exchange, 401, "unauthorized", refusal);
      return false;
    }
    return true;
  }

  /** Returns why the Authorization header is refused, or null when it carries the token. */
  private @Nullable String refusal(@Nullable String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return "missing admin token: send Authorization: Bearer ADMIN_TOKEN";
    }
    byte[] presented = sha256(header.substring(BEARER.length()).trim());
    return MessageDigest.isEqual(presented, tokenDigest) ? null : "wrong admin token";
  }

  private void route(HttpExchange exchange, String shape, String id) throws IOException {
    switch (shape) {
      case "apps" -> ifMethod(exchange, "GET", () -> listApps(exchange));
      case "apps/*" -> ifMethod(exchange, "GET", () -> showApp(exchange, id));
      case "apps/*/plan" -> ifMethod(exchange, "PUT", () -> changePlan(exchange, id));
      case "apps/*/reset" -> ifMethod(exchange, "POST", () -> resetApp(exchange, id));
      case "apps/*/keys" -> ifMethod(exchange, "POST", () -> createKey(exchange, id));
      case "keys/*" -> ifMethod(exchange, "DELETE", () -> revokeKey(exchange, id));
      case "reset" -> ifMethod(exchange, "POST", () -> resetAll(exchange));
      case "reload" -> ifMethod(exchange, "POST", () -> reload(exchange));
      default -> HttpApi.respondError(exchange, 404, "not_found",
          "no such endpoint: " + exchange.getRequestURI().getPath());
    }
  }

  private void listApps(HttpExchange exchange) throws IOException {
    JsonArray apps = new JsonArray();
    hub.keys().apps().stream()
        .sorted(Comparator.comparing(App::id))
        .forEach(app -> apps.add(describe(app)));
    JsonObject body = new JsonObject();
    body.add("apps", apps);
    HttpApi.respond(exchange, 200, body);
  }

  private void showApp(HttpExchange exchange, String appId) throws IOException {
    App app = requireApp(exchange, appId);
    if (app != null) {
      HttpApi.respond(exchange, 200, describe(app));
    }
  }

  private void changePlan(HttpExchange exchange, String appId) throws IOException {
    App app = requireApp(exchange, appId);
    String body = app == null ? null : HttpApi.readBody(exchange, MAX_BODY_BYTES);
    if (body == null) {
      return;
    }
    String planName = planOf(body);
    if (planName == null) {
      HttpApi.respondError(exchange, 400, "bad_request", "body must be {\"plan\":\"NAME\"}");
    } else if (hub.keys().plan(planName) == null) {
      HttpApi.respondError(exchange, 400, "unknown_plan", "no plan \"" + planName
          + "\"; the plans are the defaults (hobby, pro, enterprise) and those in the config file");
    } else if (changed(exchange, appId, planName)) {
      HttpApi.respond(exchange, 200, describe(app));
    }
  }

  /** Moves the app to the plan; returns false after answering 404 when the app just went. */
  private boolean changed(HttpExchange exchange, String appId, String planName)
      throws IOException {
    try {
      hub.changePlan(appId, planName);
    } catch (NoSuchElementException e) {
      notFound(exchange, "no app \"" + appId + "\"");
      return false;
    }
    log.info("Admin changed plan app={} plan={}", appId, planName);
    return true;
  }

  private void resetApp(HttpExchange exchange, String appId) throws IOException {
    App app = requireApp(exchange, appId);
    if (app != null) {
      hub.quotas().resetWindow(app);
      log.info("Admin reset the daily window app={}", appId);
      HttpApi.respond(exchange, 200, describe(app));
    }
  }

  private void resetAll(HttpExchange exchange) throws IOException {
    hub.quotas().resetAllWindows();
    log.info("Admin reset every app's daily window");
    HttpApi.respond(exchange, 200, ok());
  }

  private void createKey(HttpExchange exchange, String appId) throws IOException {
    String key;
    try {
      key = hub.keys().createKey(appId);
    } catch (NoSuchElementException e) {
      notFound(exchange, "no app \"" + appId + "\"");
      return;
    }
    log.info("Admin created a key app={}", appId);
    JsonObject body = new JsonObject();
    body.addProperty("key", key);
    HttpApi.respond(exchange, 201, body);
  }

  private void revokeKey(HttpExchange exchange, String key) throws IOException {
    App app = hub.keys().resolve(key);
    if (!hub.revokeKey(key)) {
      notFound(exchange, "no such key, or it is already revoked");
      return;
    }
    log.info("Admin revoked a key app={}", app == null ? "?" : app.id());
    HttpApi.respond(exchange, 200, ok());
  }

  private void reload(HttpExchange exchange) throws IOException {
    try {
      hub.reloadKeys();
    } catch (IOException e) {
      log.warn("Admin reload refused: {}", e.getMessage());
      HttpApi.respondError(exchange, 500, "reload_failed", e.getMessage());
      return;
    }
    log.info("Admin reloaded the key store apps={}", hub.keys().apps().size());
    JsonObject body = ok();
    body.addProperty("apps", hub.keys().apps().size());
    HttpApi.respond(exchange, 200, body);
  }

  /** Returns the app's id, plan, limits and usage. */
  private JsonObject describe(App app) {
    JsonObject described = new JsonObject();
    described.addProperty("id", app.id());
    for (Map.Entry<String, JsonElement> field : hub.info(app).entrySet()) {
      if (!field.getKey().equals("app")) {
        described.add(field.getKey(), field.getValue());
      }
    }
    return described;
  }

  private @Nullable App requireApp(HttpExchange exchange, String appId) throws IOException {
    App app = hub.keys().app(appId);
    if (app == null) {
      notFound(exchange, "no app \"" + appId + "\"");
    }
    return app;
  }

  /** Returns the plan a {@code {"plan":"NAME"}} body names, or null for any other body. */
  private static @Nullable String planOf(String body) {
    try (JsonReader reader = new JsonReader(new StringReader(body))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement root = JsonParser.parseReader(reader);
      JsonElement plan = root.isJsonObject() ? root.getAsJsonObject().get("plan") : null;
      boolean named = plan != null && plan.isJsonPrimitive()
          && plan.getAsJsonPrimitive().isString() && !plan.getAsString().isBlank();
      return named && reader.peek() == JsonToken.END_DOCUMENT ? plan.getAsString() : null;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      return null;
    }
  }

  /** Answers 405 with Allow unless the request uses {@code method}; runs the action if it does. */
  private static void ifMethod(HttpExchange exchange, String method, Action action)
      throws IOException {
    if (HttpApi.requireMethod(exchange, exchange.getRequestMethod(), method)) {
      action.run();
    }
  }

  /** Returns the route's shape: literal segments kept, the variable second one as {@code *}. */
  private static String shape(List<String> path) {
    return switch (path.size()) {
      case 1 -> path.get(0);
      case 2 -> path.get(0) + "/*";
      case 3 -> path.get(0) + "/*/" + path.get(2);
      default -> "";
    };
  }

  private static void notFound(HttpExchange exchange, String message) throws IOException {
    HttpApi.respondError(exchange, 404, "not_found", message);
  }

  private static JsonObject ok() {
    JsonObject ok = new JsonObject();
    ok.addProperty("ok", true);
    return ok;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** One endpoint's work. */
  @FunctionalInterface
  private interface Action {
    void run() throws IOException;
  }
}
