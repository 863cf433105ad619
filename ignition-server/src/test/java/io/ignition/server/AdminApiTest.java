package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.server.launcher.FileKeyStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin API end to end: a server on a config file, real sockets, changes saved to the file. */
class AdminApiTest {
  private static final String TOKEN = "s3cret-admin-token";
  private static final String CONFIG = """
      {"adminToken": "%s",
       "plans": {"two": {"dailyRequests": 2, "connections": 10}},
       "apps": [
         {"id": "acme", "plan": "hobby", "keys": ["k-acme-1", "k-acme-2"]},
         {"id": "globex", "plan": "pro", "keys": ["k-globex"]}]}
      """.formatted(TOKEN);

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir
  Path dir;
  private Path file;
  private IgnitionServer server;

  @BeforeEach
  void start() throws IOException {
    file = dir.resolve("ignition.json");
    Files.writeString(file, CONFIG);
    server = start(TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listApps_withToken_reportsEveryAppWithPlanLimitsAndUsage() throws Exception {
    WsClient.welcomed(server, "k-acme-1").close();

    HttpResponse<String> response = admin("GET", "/admin/apps", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray apps = json(response).getAsJsonArray("apps");
    assertThat(apps).hasSize(2);
    JsonObject acme = apps.get(0).getAsJsonObject();
    assertThat(acme.get("id").getAsString()).isEqualTo("acme");
    assertThat(acme.get("plan").getAsString()).isEqualTo("hobby");
    assertThat(acme.getAsJsonObject("limits").get("dailyRequests").getAsLong()).isEqualTo(100);
    assertThat(acme.getAsJsonObject("limits").get("connections").getAsInt()).isEqualTo(10);
    assertThat(acme.getAsJsonObject("usage").get("requestsToday").getAsLong()).isEqualTo(1);
    assertThat(apps.get(1).getAsJsonObject().get("plan").getAsString()).isEqualTo("pro");
  }

  @Test
  void showApp_knownAndUnknown_isTheAppOr404() throws Exception {
    HttpResponse<String> known = admin("GET", "/admin/apps/globex", null);
    HttpResponse<String> unknown = admin("GET", "/admin/apps/initech", null);

    assertThat(known.statusCode()).isEqualTo(200);
    assertThat(json(known).get("id").getAsString()).isEqualTo("globex");
    assertThat(json(known).getAsJsonObject("usage").get("requestsLeft").getAsLong())
        .isEqualTo(10_000);
    assertNotFound(unknown, "initech");
  }

  @Test
  void changePlan_toSmallerPlan_refusesTheNextEmitAndCloses4029() throws Exception {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      assertThat(emit(client, 1).get("op").getAsString()).isEqualTo("ok");
      assertThat(emit(client, 2).get("op").getAsString()).isEqualTo("ok");

      HttpResponse<String> response = admin("PUT", "/admin/apps/acme/plan", "{\"plan\":\"two\"}");
      JsonObject refused = emit(client, 3);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).get("plan").getAsString()).isEqualTo("two");
      assertThat(json(response).getAsJsonObject("limits").get("dailyRequests").getAsLong())
          .isEqualTo(2);
      assertThat(refused.get("code").getAsString()).isEqualTo("quota_exceeded");
      assertThat(client.awaitClose().code()).isEqualTo(4029);
    }
  }

  @Test
  void changePlan_unknownPlanOrBadBody_is400AndChangesNothing() throws Exception {
    String before = Files.readString(file);

    HttpResponse<String> unknownPlan = admin("PUT", "/admin/apps/acme/plan", "{\"plan\":\"gold\"}");
    HttpResponse<String> badBody = admin("PUT", "/admin/apps/acme/plan", "{\"plan\":pro}");
    HttpResponse<String> unknownApp = admin("PUT", "/admin/apps/nope/plan", "{\"plan\":\"pro\"}");

    assertThat(unknownPlan.statusCode()).isEqualTo(400);
    assertThat(errorOf(unknownPlan).get("code").getAsString()).isEqualTo("unknown_plan");
    assertThat(errorOf(unknownPlan).get("message").getAsString()).contains("\"gold\"");
    assertThat(badBody.statusCode()).isEqualTo(400);
    assertThat(errorOf(badBody).get("code").getAsString()).isEqualTo("bad_request");
    assertNotFound(unknownApp, "nope");
    assertThat(planOf("acme")).isEqualTo("hobby");
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void resetApp_afterQuotaExhausted_restoresTheDailyAllowance() throws Exception {
    admin("PUT", "/admin/apps/acme/plan", "{\"plan\":\"two\"}");
    try (WsClient spent = WsClient.welcomed(server, "k-acme-1")) {
      emit(spent, 1);
      assertThat(emit(spent, 2).get("code").getAsString()).isEqualTo("quota_exceeded");
    }

    HttpResponse<String> response = admin("POST", "/admin/apps/acme/reset", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).getAsJsonObject("usage").get("requestsToday").getAsLong()).isZero();
    try (WsClient fresh = WsClient.welcomed(server, "k-acme-1")) {
      assertThat(emit(fresh, 1).get("op").getAsString()).isEqualTo("ok");
      assertThat(emit(fresh, 2).get("code").getAsString()).isEqualTo("quota_exceeded");
    }
  }

  @Test
  void resetAll_restoresEveryAppsWindow() throws Exception {
    WsClient.welcomed(server, "k-acme-1").close();
    WsClient.welcomed(server, "k-globex").close();

    HttpResponse<String> response = admin("POST", "/admin/reset", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("ok").getAsBoolean()).isTrue();
    for (JsonElement app : json(admin("GET", "/admin/apps", null)).getAsJsonArray("apps")) {
      assertThat(app.getAsJsonObject().getAsJsonObject("usage").get("requestsToday").getAsLong())
          .as("%s", app).isZero();
    }
  }

  @Test
  void createKey_knownApp_is201AndTheKeyConnectsToThatApp() throws Exception {
    HttpResponse<String> response = admin("POST", "/admin/apps/globex/keys", null);

    assertThat(response.statusCode()).isEqualTo(201);
    String key = json(response).get("key").getAsString();
    try (WsClient client = WsClient.connect(server, key)) {
      JsonObject welcome = client.next();
      assertThat(welcome.get("op").getAsString()).isEqualTo("welcome");
      assertThat(welcome.get("plan").getAsString()).isEqualTo("pro");
    }
    assertNotFound(admin("POST", "/admin/apps/nope/keys", null), "nope");
  }

  @Test
  void revokeKey_liveConnection_closes4001WithinASecondWhileOthersStayOpen() throws Exception {
    try (WsClient revoked = WsClient.welcomed(server, "k-acme-1");
        WsClient sameApp = WsClient.welcomed(server, "k-acme-2");
        WsClient otherApp = WsClient.welcomed(server, "k-globex")) {

      HttpResponse<String> response = admin("DELETE", "/admin/keys/k-acme-1", null);
      WsClient.Closed closed = revoked.awaitClose(Duration.ofSeconds(1));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).contains("revoked");
      assertThat(ping(sameApp).get("op").getAsString()).isEqualTo("ok");
      assertThat(ping(otherApp).get("op").getAsString()).isEqualTo("ok");
      assertThat(sameApp.isClosed() || otherApp.isClosed()).isFalse();
    }
    try (WsClient again = WsClient.connect(server, "k-acme-1")) {
      assertThat(again.awaitClose().code()).isEqualTo(4001);
    }
    assertNotFound(admin("DELETE", "/admin/keys/k-acme-1", null), "key");
  }

  @Test
  void revokeKey_fileCannotBeSaved_is500AndTheKeyStaysValid() throws Exception {
    // A non-empty directory where the file was cannot be replaced by a rename.
    Files.delete(file);
    Files.createDirectory(file);
    Files.writeString(file.resolve("keep"), "x");

    HttpResponse<String> response = admin("DELETE", "/admin/keys/k-acme-1", null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(errorOf(response).get("code").getAsString()).isEqualTo("save_failed");
    assertThat(errorOf(response).get("message").getAsString()).contains("ignition.json");
    WsClient.welcomed(server, "k-acme-1").close();
  }

  @Test
  void reload_changedFile_appliesNewKeysAndClosesConnectionsOfRemovedOnes() throws Exception {
    try (WsClient removed = WsClient.welcomed(server, "k-acme-2")) {
      Files.writeString(file, CONFIG.replace("\"k-acme-2\"", "\"k-acme-3\"")
          .replace("\"plan\": \"pro\"", "\"plan\": \"two\""));

      HttpResponse<String> response = admin("POST", "/admin/reload", null);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json(response).get("apps").getAsInt()).isEqualTo(2);
      assertThat(removed.awaitClose().code()).isEqualTo(4001);
    }
    WsClient.welcomed(server, "k-acme-3").close();
    assertThat(planOf("globex")).isEqualTo("two");
  }

  @Test
  void reload_invalidFile_answersErrorAndChangesNothing() throws Exception {
    Files.writeString(file, CONFIG.replace("\"connections\": 10", "\"connections\": 1.5")
        .replace("k-acme-1", "k-other"));

    HttpResponse<String> response = admin("POST", "/admin/reload", null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(errorOf(response).get("code").getAsString()).isEqualTo("reload_failed");
    assertThat(errorOf(response).get("message").getAsString())
        .contains("ignition.json", "plans.two.connections");
    WsClient.welcomed(server, "k-acme-1").close();
    try (WsClient unknown = WsClient.connect(server, "k-other")) {
      assertThat(unknown.awaitClose().code()).isEqualTo(4001);
    }
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"Bearer wrong", "Basic czNjcmV0LWFkbWluLXRva2Vu", TOKEN,
      "Bearer " + TOKEN + "x", "Bearer"})
  void everyEndpoint_missingOrWrongToken_is401AndChangesNothing(@Nullable String authorization)
      throws Exception {
    String before = Files.readString(file);

    List<HttpResponse<String>> responses = List.of(
        send("DELETE", "/admin/keys/k-acme-1", null, authorization),
        send("PUT", "/admin/apps/acme/plan", "{\"plan\":\"two\"}", authorization),
        send("POST", "/admin/apps/acme/keys", null, authorization),
        send("POST", "/admin/reload", null, authorization),
        send("GET", "/admin/apps", null, authorization));

    for (HttpResponse<String> response : responses) {
      assertThat(response.statusCode()).as(response.request().uri().getPath()).isEqualTo(401);
      assertThat(errorOf(response).get("code").getAsString()).isEqualTo("unauthorized");
      assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(planOf("acme")).isEqualTo("hobby");
    WsClient.welcomed(server, "k-acme-1").close();
  }

  @Test
  void anyEndpoint_noAdminTokenConfigured_is404AdminDisabled() throws Exception {
    server.close();
    server = start(null);

    HttpResponse<String> response = admin("GET", "/admin/apps", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorOf(response).get("code").getAsString()).isEqualTo("admin_disabled");
    assertThat(errorOf(response).get("message").getAsString()).contains("adminToken");
  }

  @Test
  void wrongMethodOrUnknownPath_is405WithAllowOr404() throws Exception {
    HttpResponse<String> getReload = admin("GET", "/admin/reload", null);
    HttpResponse<String> deleteApps = admin("DELETE", "/admin/apps", null);
    HttpResponse<String> postKey = admin("POST", "/admin/keys/k-acme-1", null);
    HttpResponse<String> unknown = admin("GET", "/admin/apps/acme/keys/more", null);

    assertThat(getReload.statusCode()).isEqualTo(405);
    assertThat(getReload.headers().firstValue("Allow")).hasValue("POST");
    assertThat(deleteApps.headers().firstValue("Allow")).hasValue("GET");
    assertThat(postKey.headers().firstValue("Allow")).hasValue("DELETE");
    assertThat(errorOf(getReload).get("code").getAsString()).isEqualTo("method_not_allowed");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(errorOf(unknown).get("code").getAsString()).isEqualTo("not_found");
    WsClient.welcomed(server, "k-acme-1").close();
  }

  @Test
  void changes_surviveARestartOnTheSameFile() throws Exception {
    String created = json(admin("POST", "/admin/apps/globex/keys", null)).get("key").getAsString();
    admin("DELETE", "/admin/keys/k-acme-2", null);
    admin("PUT", "/admin/apps/acme/plan", "{\"plan\":\"pro\"}");
    server.close();

    server = start(TOKEN);

    try (WsClient client = WsClient.connect(server, created)) {
      assertThat(client.next().get("op").getAsString()).isEqualTo("welcome");
    }
    try (WsClient revoked = WsClient.connect(server, "k-acme-2")) {
      assertThat(revoked.awaitClose().code()).isEqualTo(4001);
    }
    try (WsClient acme = WsClient.connect(server, "k-acme-1")) {
      assertThat(acme.next().get("plan").getAsString()).isEqualTo("pro");
    }
    JsonObject saved = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    JsonObject original = JsonParser.parseString(CONFIG).getAsJsonObject();
    assertThat(saved.get("adminToken")).isEqualTo(original.get("adminToken"));
    assertThat(saved.get("plans")).isEqualTo(original.get("plans"));
  }

  private IgnitionServer start(@Nullable String adminToken) throws IOException {
    IgnitionServer.Builder builder = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(0)
        .keys(FileKeyStore.open(file));
    if (adminToken != null) {
      builder.adminToken(adminToken);
    }
    IgnitionServer started = builder.build();
    started.start();
    return started;
  }

  private String planOf(String appId) throws Exception {
    HttpResponse<String> response = admin("GET", "/admin/apps/" + appId, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response).get("plan").getAsString();
  }

  private static JsonObject emit(WsClient client, long id) {
    return client.request("{\"op\":\"emit\",\"id\":" + id + ",\"channel\":\"news\","
        + "\"event\":\"e\",\"data\":1}", id);
  }

  private static JsonObject ping(WsClient client) {
    return client.request("{\"op\":\"ping\",\"id\":99}", 99);
  }

  private HttpResponse<String> admin(String method, String path, @Nullable String body)
      throws Exception {
    return send(method, path, body, "Bearer " + TOKEN);
  }

  private HttpResponse<String> send(String method, String path, @Nullable String body,
      @Nullable String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertNotFound(HttpResponse<String> response, String mentioned) {
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorOf(response).get("code").getAsString()).isEqualTo("not_found");
    assertThat(errorOf(response).get("message").getAsString()).contains(mentioned);
  }

  private static JsonObject errorOf(HttpResponse<String> response) {
    return json(response).getAsJsonObject("error");
  }

  private static JsonObject json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }
}
