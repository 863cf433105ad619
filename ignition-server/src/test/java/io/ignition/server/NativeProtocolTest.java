package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.google.gson.JsonObject;
import io.ignition.core.Plan;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The native protocol end to end, over real sockets on an ephemeral port. */
class NativeProtocolTest {
  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.HOBBY, "k-acme-1", "k-acme-2")
        .app("globex", Plan.PRO, "k-globex")
        .maxChannelsPerConnection(3)
        .maxFrameBytes(1024)
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void connect_validKey_receivesWelcomeWithPlanAndLimits() {
    try (WsClient client = WsClient.connect(server, "k-acme-1")) {
      JsonObject welcome = client.next();

      assertThat(welcome.get("op").getAsString()).isEqualTo("welcome");
      assertThat(welcome.get("connection").getAsString()).startsWith("c-");
      assertThat(welcome.get("plan").getAsString()).isEqualTo("hobby");
      JsonObject limits = welcome.getAsJsonObject("limits");
      assertThat(limits.get("dailyRequests").getAsLong()).isEqualTo(100);
      assertThat(limits.get("connections").getAsInt()).isEqualTo(10);
      assertThat(limits.get("maxFrameBytes").getAsInt()).isEqualTo(1024);
      assertThat(limits.get("maxChannels").getAsInt()).isEqualTo(3);
    }
  }

  @Test
  void connect_keyInAuthorizationHeader_isWelcomed() {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/v1");
    try (WsClient client = WsClient.open(uri, Map.of("Authorization", "Bearer k-globex"))) {
      assertThat(client.next().get("plan").getAsString()).isEqualTo("pro");
    }
  }

  @ParameterizedTest
  @CsvSource({"'', missing API key", "nope, unknown or revoked API key"})
  void connect_missingOrUnknownKey_closes4001WithReason(String key, String reason) {
    try (WsClient client = WsClient.connect(server, key)) {
      WsClient.Closed closed = client.awaitClose();

      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).startsWith(reason);
      assertThat(client.pending()).isZero();
    }
  }

  @Test
  void connect_keyThatIsNotValidPercentEncoding_isReportedUnknownNotMissing() throws Exception {
    CompletableFuture<String> reason = new CompletableFuture<>();
    try (NioClients clients = new NioClients()) {
      clients.connect(new InetSocketAddress("127.0.0.1", server.port()), "/v1?key=%zz",
          new NioClients.Handler() {
            @Override
            public void onText(NioClients.Conn conn, String text) {}

            @Override
            public void onCloseReason(NioClients.Conn conn, String text) {
              reason.complete(text);
            }
          });

      assertThat(reason.get(10, TimeUnit.SECONDS)).isEqualTo("unknown or revoked API key");
    }
  }

  @Test
  void connect_unknownPath_isRefusedWithoutUpgrade() {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/v2?key=k-acme-1");

    assertThatThrownBy(() -> WsClient.open(uri, Map.of()))
        .isInstanceOf(CompletionException.class)
        .rootCause().hasMessageContaining("status code 404");
  }

  @Test
  void emit_toSubscribedChannel_reachesOtherSubscribersButNotSender() {
    try (WsClient alice = WsClient.welcomed(server, "k-acme-1");
        WsClient bob = WsClient.welcomed(server, "k-acme-2")) {
      alice.subscribe("news", 1);
      bob.subscribe("news", 1);

      JsonObject ok = alice.request("{\"op\":\"emit\",\"id\":2,\"channel\":\"news\","
          + "\"event\":\"update\",\"data\":{\"n\": 1.50}}", 2);
      String delivered = bob.nextText();

      assertThat(ok.get("op").getAsString()).isEqualTo("ok");
      assertThat(delivered).isEqualTo(
          "{\"op\":\"event\",\"channel\":\"news\",\"event\":\"update\",\"data\":{\"n\": 1.50}}");
      assertThat(alice.request("{\"op\":\"ping\",\"id\":3}", 3).get("op").getAsString())
          .as("the sender's next frame is the ping reply, not its own event").isEqualTo("ok");
    }
  }

  @Test
  void emit_withEcho_reachesSenderToo() {
    try (WsClient alice = WsClient.connect(server, "k-acme-1", "&echo=true")) {
      alice.next();
      alice.subscribe("news", 1);

      alice.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"e\",\"data\":7}");

      assertThat(alice.next().get("data").getAsInt()).isEqualTo(7);
    }
  }

  @Test
  void emit_sameChannelNameOtherApp_isNotDelivered() {
    try (WsClient acme = WsClient.welcomed(server, "k-acme-1");
        WsClient globex = WsClient.welcomed(server, "k-globex");
        WsClient globexPublisher = WsClient.welcomed(server, "k-globex")) {
      globex.subscribe("news", 1);

      acme.request("{\"op\":\"emit\",\"id\":1,\"channel\":\"news\",\"event\":\"leak\"}", 1);
      globexPublisher.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"marker\"}");

      assertThat(globex.next().get("event").getAsString())
          .as("the first event globex sees is its own app's marker").isEqualTo("marker");
    }
  }

  @Test
  void unsubscribe_stopsDelivery() {
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme-1");
        WsClient publisher = WsClient.welcomed(server, "k-acme-2")) {
      subscriber.subscribe("a", 1);
      subscriber.subscribe("b", 2);

      JsonObject ok = subscriber.request("{\"op\":\"unsubscribe\",\"id\":3,\"channel\":\"a\"}", 3);
      publisher.request("{\"op\":\"emit\",\"id\":1,\"channel\":\"a\",\"event\":\"gone\"}", 1);
      publisher.request("{\"op\":\"emit\",\"id\":2,\"channel\":\"b\",\"event\":\"marker\"}", 2);

      assertThat(ok.get("op").getAsString()).isEqualTo("ok");
      assertThat(subscriber.next().get("event").getAsString()).isEqualTo("marker");
    }
  }

  @Test
  void disconnect_removesEverySubscriptionOfTheConnection() {
    WsClient clean = WsClient.welcomed(server, "k-acme-1");
    WsClient dropped = WsClient.welcomed(server, "k-acme-2");
    for (String channel : new String[] {"x", "y", "z"}) {
      clean.subscribe(channel, 1);
      dropped.subscribe(channel, 1);
    }
    assertThat(server.hub().registry().channelCount()).isEqualTo(3);

    clean.close();
    dropped.abort();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.hub().registry().channelCount()).isZero());
  }

  @Test
  void info_reportsPlanLimitsAndUsage() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      JsonObject data = client.request("{\"op\":\"info\",\"id\":9}", 9).getAsJsonObject("data");

      assertThat(data.get("app").getAsString()).isEqualTo("acme");
      assertThat(data.get("plan").getAsString()).isEqualTo("hobby");
      assertThat(data.getAsJsonObject("limits").get("connections").getAsInt()).isEqualTo(10);
      JsonObject usage = data.getAsJsonObject("usage");
      assertThat(usage.get("connections").getAsInt()).isEqualTo(1);
      assertThat(usage.get("resetAt").getAsString()).endsWith("T00:00:00Z");
    }
  }

  @Test
  void ping_answersWithServerTime() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      long before = System.currentTimeMillis();

      JsonObject reply = client.request("{\"op\":\"ping\",\"id\":5}", 5);

      assertThat(reply.getAsJsonObject("data").get("time").getAsLong())
          .isBetween(before - 1_000, System.currentTimeMillis() + 1_000);
    }
  }

  /** Each row of the bad-input table in docs/protocol.md that keeps the connection open. */
  static Stream<Arguments> badFrames() {
    return Stream.of(
        arguments("not json", "{oops", "bad_request"),
        arguments("not an object", "[1,2]", "bad_request"),
        arguments("wrong field type", "{'op':'subscribe','id':1,'channel':5}", "bad_request"),
        arguments("missing channel", "{'op':'subscribe','id':1}", "bad_request"),
        arguments("missing event", "{'op':'emit','id':1,'channel':'c'}", "bad_request"),
        arguments("unknown op", "{'op':'dance','id':1}", "bad_request"),
        arguments("empty channel", "{'op':'subscribe','id':1,'channel':''}", "invalid_channel"),
        arguments("control character in channel", "{'op':'subscribe','channel':'a\\u0007b'}",
            "invalid_channel"),
        arguments("empty event", "{'op':'emit','id':1,'channel':'c','event':''}",
            "invalid_event"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  void badFrame_isAnsweredWithErrorAndConnectionStaysOpen(String name, String frame,
      String code) {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      client.send(frame.replace('\'', '"'));
      JsonObject error = client.next();

      assertThat(error.get("op").getAsString()).isEqualTo("error");
      assertThat(error.get("code").getAsString()).isEqualTo(code);
      assertThat(error.get("message").getAsString()).isNotBlank();
      assertThat(client.request("{\"op\":\"ping\",\"id\":77}", 77).get("op").getAsString())
          .isEqualTo("ok");
    }
  }

  @Test
  void badFrame_withId_echoesIdInError() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      JsonObject error = client.request("{\"op\":\"subscribe\",\"id\":12,\"channel\":\""
          + "c".repeat(129) + "\"}", 12);

      assertThat(error.get("code").getAsString()).isEqualTo("invalid_channel");
    }
  }

  @Test
  void emit_eventNameTooLong_isInvalidEvent() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      JsonObject error = client.request("{\"op\":\"emit\",\"id\":4,\"channel\":\"c\",\"event\":\""
          + "e".repeat(65) + "\"}", 4);

      assertThat(error.get("code").getAsString()).isEqualTo("invalid_event");
    }
  }

  @Test
  void binaryFrame_isBadRequestAndConnectionStaysOpen() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      client.sendBinary(new byte[] {1, 2, 3});

      JsonObject error = client.next();

      assertThat(error.get("code").getAsString()).isEqualTo("bad_request");
      assertThat(client.request("{\"op\":\"ping\",\"id\":2}", 2).get("op").getAsString())
          .isEqualTo("ok");
    }
  }

  @Test
  void frameOverSizeLimit_closes1009() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      client.send("{\"op\":\"emit\",\"channel\":\"c\",\"event\":\"e\",\"data\":\""
          + "x".repeat(2048) + "\"}");

      assertThat(client.awaitClose().code()).isEqualTo(1009);
    }
  }

  @Test
  void subscribe_pastChannelLimit_isTooManyChannels() {
    try (WsClient client = WsClient.welcomed(server, "k-acme-1")) {
      client.subscribe("one", 1);
      client.subscribe("two", 2);
      client.subscribe("three", 3);

      JsonObject error = client.request("{\"op\":\"subscribe\",\"id\":4,\"channel\":\"four\"}", 4);

      assertThat(error.get("code").getAsString()).isEqualTo("too_many_channels");
      assertThat(server.hub().registry().subscriberCount("acme", "four")).isZero();
      client.subscribe("one", 5);
    }
  }
}
