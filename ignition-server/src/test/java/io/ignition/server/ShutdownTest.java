package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ignition.core.Plan;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IgnitionServer#close} as a graceful shutdown: what was acknowledged is delivered, every
 * client is told 1001 with a reason, and during the grace the node turns new work away with 503.
 */
class ShutdownTest {
  private static final int EVENTS = 500;

  private final HttpClient http = HttpClient.newHttpClient();
  private IgnitionServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  private void start(Duration shutdownGrace) throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(0)
        .app("acme", Plan.ENTERPRISE, "k-acme")
        .shutdownGrace(shutdownGrace)
        .build();
    server.start();
  }

  @Test
  void close_afterEventsWereAcknowledged_deliversThemAllThenCloses1001WithAReason()
      throws Exception {
    // Clients that answer the close let close() return well before the grace ends.
    start(Duration.ofSeconds(30));
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme");
        WsClient publisher = WsClient.welcomed(server, "k-acme");
        RawWsClient socketIo = socketIoMember()) {
      subscriber.subscribe("news", 1);
      for (int seq = 1; seq <= EVENTS; seq++) {
        publisher.send("{\"op\":\"emit\",\"id\":" + seq + ",\"channel\":\"news\",\"event\":\"e\","
            + "\"data\":" + seq + "}");
      }
      for (int seq = 1; seq <= EVENTS; seq++) {
        assertThat(publisher.next().get("id").getAsInt()).as("ack").isEqualTo(seq);
      }

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

      for (int seq = 1; seq <= EVENTS; seq++) {
        assertThat(subscriber.next().get("data").getAsInt()).isEqualTo(seq);
        assertThat(socketIo.nextText()).isEqualTo("42[\"e\"," + seq + "]");
      }
      WsClient.Closed closed = subscriber.awaitClose();
      assertThat(closed.code()).isEqualTo(1001);
      assertThat(closed.reason()).contains("shutting down");
      assertThat(publisher.awaitClose().code()).isEqualTo(1001);
      RawWsClient.Frame socketIoClose = socketIo.awaitClose();
      assertThat(socketIoClose.closeCode()).as("socket.io-client reconnects after this")
          .isEqualTo(1001);
      closing.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void close_whileAClientIgnoresIt_answers503DuringTheGraceThenCutsItAndFreesThePorts()
      throws Exception {
    start(Duration.ofSeconds(3));
    int port = server.port();
    int httpPort = server.httpPort();
    try (RawWsClient lingering = RawWsClient.connect(port, "/v1?key=k-acme")) {
      assertThat(lingering.nextText()).startsWith("{\"op\":\"welcome\"");
      long start = System.nanoTime();

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

      await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(get(httpPort, "/healthz").statusCode()).isEqualTo(503));
      assertThat(get(httpPort, "/healthz").body()).contains("\"status\":\"shutting_down\"");
      HttpResponse<String> publish = post(httpPort, "/v1/publish",
          "{\"channel\":\"news\",\"event\":\"e\",\"data\":1}");
      assertThat(publish.statusCode()).isEqualTo(503);
      assertThat(publish.body()).contains("\"code\":\"shutting_down\"");
      assertThat(get(httpPort, "/metrics").statusCode()).isEqualTo(200);
      try (RawWsClient late = RawWsClient.open(port, "/v1?key=k-acme", null, 0)) {
        assertThat(late.upgraded()).isFalse();
        assertThat(late.upgradeResponse()).startsWith("HTTP/1.1 503")
            .contains("\"code\":\"shutting_down\"");
      }
      assertThat(closing).as("waits for the lingering client").isNotDone();

      closing.get(10, TimeUnit.SECONDS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(tookMillis).as("close took, ms").isBetween(3_000L, 5_000L);
      assertThat(lingering.readToEnd()).as("it was sent 1001 before it was cut").isEqualTo(1001);
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> new Socket("127.0.0.1", httpPort).close())
        .isInstanceOf(ConnectException.class);
  }

  /** A Socket.IO session joined to {@code news}, read frame by frame. */
  private RawWsClient socketIoMember() throws Exception {
    RawWsClient client = RawWsClient.connect(server.port(),
        "/socket.io/?EIO=4&transport=websocket");
    assertThat(client.nextText()).startsWith("0{");
    client.sendText("40{\"token\":\"k-acme\"}");
    assertThat(client.nextText()).startsWith("40{\"sid\":");
    client.sendText("421[\"JOIN\",{\"group_id\":\"news\"}]");
    assertThat(client.nextText()).isEqualTo("431[\"joined news\"]");
    return client;
  }

  private HttpResponse<String> get(int httpPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int httpPort, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .header("Authorization", "Bearer k-acme")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
