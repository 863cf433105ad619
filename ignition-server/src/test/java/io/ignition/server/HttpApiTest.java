package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.Plan;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API over real sockets. */
class HttpApiTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(0)
        .app("acme", Plan.PRO, "k-acme")
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void publish_validBody_reachesWebSocketSubscribersWithDataUntouched() throws Exception {
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme")) {
      subscriber.subscribe("news", 1);

      HttpResponse<String> response = post("/v1/publish", "k-acme",
          "{\"channel\":\"news\",\"event\":\"update\",\"data\":{\"price\": 1.10}}");

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(json(response).get("ok").getAsBoolean()).isTrue();
      assertThat(subscriber.nextText()).isEqualTo("{\"op\":\"event\",\"channel\":\"news\","
          + "\"event\":\"update\",\"data\":{\"price\": 1.10}}");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[]",
      "{\"event\":\"e\",\"data\":1}",
      "{\"channel\":\"news\",\"data\":1}",
      "{\"channel\":\"news\",\"event\":\"e\",\"data\":tru}",
      "{\"channel\":\"\",\"event\":\"e\"}",
      "{\"channel\":\"news\",\"event\":\"\"}"
  })
  void publish_badBody_is400WithJsonError(String body) throws Exception {
    HttpResponse<String> response = post("/v1/publish", "k-acme", body);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject error = json(response).getAsJsonObject("error");
    assertThat(error.get("code").getAsString()).isIn("bad_request", "invalid_channel",
        "invalid_event");
    assertThat(error.get("message").getAsString()).isNotBlank();
  }

  @Test
  void publish_unknownKey_is401AndDeliversNothing() throws Exception {
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme")) {
      subscriber.subscribe("news", 1);

      HttpResponse<String> response = post("/v1/publish", "wrong",
          "{\"channel\":\"news\",\"event\":\"update\",\"data\":1}");

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(json(response).getAsJsonObject("error").get("code").getAsString())
          .isEqualTo("unauthorized");
      assertThat(subscriber.request("{\"op\":\"ping\",\"id\":2}", 2).get("id").getAsInt())
          .as("the next frame is the ping reply, not an event").isEqualTo(2);
    }
  }

  @Test
  void publish_missingKey_is401() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/v1/publish"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"a\",\"event\":\"b\"}"))
        .build();

    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void info_validKey_reportsPlanAndUsage() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/v1/info"))
        .header("Authorization", "Bearer k-acme")
        .build();

    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject info = json(response);
    assertThat(info.get("app").getAsString()).isEqualTo("acme");
    assertThat(info.get("plan").getAsString()).isEqualTo("pro");
    assertThat(info.getAsJsonObject("usage").has("requestsLeft")).isTrue();
  }

  @Test
  void healthz_whileServing_is200() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("status").getAsString()).isEqualTo("serving");
  }

  @Test
  void unknownPathAndWrongMethod_are404And405() throws Exception {
    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri("/v2/nothing")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> wrongMethod = http.send(
        HttpRequest.newBuilder(uri("/v1/publish")).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void healthz_whileManyClientsStallMidRequest_stillAnswers() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        Socket socket = new Socket("127.0.0.1", server.httpPort());
        socket.getOutputStream().write(("POST /v1/publish HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer k-acme\r\nContent-Length: 1000\r\n\r\n{\"chan")
            .getBytes(StandardCharsets.US_ASCII));
        stalled.add(socket);
      }

      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/healthz"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  private HttpResponse<String> post(String path, String key, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }

  private static JsonObject json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }
}
