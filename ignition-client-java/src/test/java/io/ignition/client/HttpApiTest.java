package io.ignition.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP publish call against a JDK HTTP server on an ephemeral port that answers as the
 * protocol describes; the real server's HTTP API is exercised in {@code EndToEndTest}.
 */
class HttpApiTest {

  private HttpServer http;
  private final CompletableFuture<JsonObject> lastBody = new CompletableFuture<>();
  private final CompletableFuture<String> lastAuthorization = new CompletableFuture<>();
  private volatile int status = 202;
  private volatile String answer = "{\"ok\":true}";

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/prefix/v1/publish", exchange -> {
      lastAuthorization.complete(exchange.getRequestHeaders().getFirst("Authorization"));
      lastBody.complete(JsonParser.parseString(new String(exchange.getRequestBody().readAllBytes(),
          StandardCharsets.UTF_8)).getAsJsonObject());
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  @Test
  void publish_serverAnswers202_completesAfterPostingBearerKeyAndEvent() throws Exception {
    HttpApi api = api();

    api.publish("news", "update", new JsonPrimitive("hi")).get(5, SECONDS);

    assertThat(lastAuthorization.get(5, SECONDS)).isEqualTo("Bearer k-acme");
    assertThat(lastBody.get(5, SECONDS)).isEqualTo(JsonParser.parseString(
        "{\"channel\":\"news\",\"event\":\"update\",\"data\":\"hi\"}"));
  }

  @Test
  void publish_serverAnswers400_failsWithTheErrorCodeAndMessage() {
    status = 400;
    answer = "{\"error\":{\"code\":\"invalid_channel\",\"message\":\"channel too long\"}}";

    assertThatThrownBy(() -> api().publish("news", "update", new JsonPrimitive(1)).get(5, SECONDS))
        .cause()
        .isInstanceOfSatisfying(ServerErrorException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_channel");
          assertThat(e.serverMessage()).isEqualTo("channel too long");
        })
        .hasMessageContaining("answered HTTP 400");
  }

  @Test
  void publish_serverAnswers401WithoutJson_failsAsUnauthorized() {
    status = 401;
    answer = "no";

    assertThatThrownBy(() -> api().publish("news", "update", new JsonPrimitive(1)).get(5, SECONDS))
        .cause()
        .isInstanceOfSatisfying(ServerErrorException.class,
            e -> assertThat(e.code()).isEqualTo("unauthorized"));
  }

  @Test
  void publish_serverDown_failsWithIgnitionException() {
    URI base = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/prefix");
    http.stop(0);
    HttpApi api = new HttpApi(base, "k", Duration.ofSeconds(2), Duration.ofSeconds(2));

    assertThatThrownBy(() -> api.publish("news", "e", new JsonPrimitive(1)).get(5, SECONDS))
        .cause()
        .isInstanceOf(IgnitionException.class)
        .hasMessageStartingWith("publish to " + base + "/v1/publish failed");
  }

  @Test
  void resolve_basePaths_appendTheApiPath() {
    assertThat(HttpApi.resolve(URI.create("http://h:4001"), "/v1/publish"))
        .hasToString("http://h:4001/v1/publish");
    assertThat(HttpApi.resolve(URI.create("https://h/api/"), "/v1/publish"))
        .hasToString("https://h/api/v1/publish");
  }

  private HttpApi api() {
    URI base = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/prefix/");
    return new HttpApi(base, "k-acme", Duration.ofSeconds(2), Duration.ofSeconds(2));
  }
}
