package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.ignition.core.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed JSON of every shape is answered with {@code bad_request} on a connection that stays
 * open, and costs the other clients nothing: their streams go on without a gap.
 */
class MalformedInputTest {
  /** Deep enough to overflow a recursive parser's stack, small enough for the 64 KiB limit. */
  private static final int DEEP = 30_000;

  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.ENTERPRISE, "k-acme")
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Stream<String> malformed() {
    return Stream.of(
        // truncated
        "{", "{\"op\":", "{\"op\":\"emit\",\"channel\":\"c\"", "{\"op\":\"ping\",\"id\":1",
        "{\"op\":\"subscribe\",\"channel\":\"a", "{\"op\":\"emit\",\"data\":[1,2,",
        // not an object
        "", "   ", "[]", "42", "\"ping\"", "null", "true", "[{\"op\":\"ping\"}]",
        // wrong types
        "{\"op\":1}", "{\"op\":null}", "{\"op\":\"subscribe\",\"channel\":[\"a\"]}",
        "{\"op\":\"emit\",\"channel\":\"c\",\"event\":{}}", "{\"op\":\"ping\",\"id\":\"7\"}",
        "{\"op\":\"ping\",\"id\":-1}", "{\"op\":\"ping\",\"id\":1.5}",
        "{\"op\":\"ping\",\"id\":9007199254740992}", "{\"op\":\"ping\",\"id\":0}",
        // not JSON at all, or not only JSON
        "{op:\"ping\"}", "{'op':'ping'}", "{\"op\":\"ping\",}", "{\"op\":\"ping\"} x",
        "{}{}", "{\"op\":\"p\\ing\"}", "{\"op\":\"ping\",\"x\":\"\\udc00\"}",
        "{\"op\":\"ping\",\"x\":01}", "{\"op\":\"ping\",\"x\":NaN}",
        "{\"op\":\"ping\",\"op\":\"info\"}",
        "{\"op\":\"ping\",\"x\":\"tab\there\"}",
        // nested beyond the 64-level bound
        "{\"op\":\"emit\",\"channel\":\"c\",\"event\":\"e\",\"data\":" + "[".repeat(DEEP)
            + "]".repeat(DEEP) + "}",
        "{\"op\":\"emit\",\"channel\":\"c\",\"event\":\"e\",\"data\":" + "{\"a\":".repeat(DEEP / 5)
            + "1" + "}".repeat(DEEP / 5) + "}",
        "[".repeat(DEEP));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedFrame_isAnsweredBadRequestAndTheConnectionStaysOpen(String frame) {
    try (WsClient client = WsClient.welcomed(server, "k-acme")) {
      client.send(frame);
      JsonObject error = client.next();

      assertThat(error.get("op").getAsString()).isEqualTo("error");
      assertThat(error.get("code").getAsString()).isEqualTo("bad_request");
      assertThat(error.get("message").getAsString()).isNotBlank();
      assertThat(client.request("{\"op\":\"ping\",\"id\":77}", 77).get("op").getAsString())
          .isEqualTo("ok");
    }
  }

  @Test
  void malformedFlood_whileEventsFlowToOthers_leavesNoGapInTheirStreams() throws Exception {
    List<String> shapes = malformed().toList();
    int rounds = 20;
    int events = 1_000;
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme");
        WsClient hostile = WsClient.welcomed(server, "k-acme")) {
      subscriber.subscribe("stream", 1);
      CompletableFuture<Void> publishing = CompletableFuture.runAsync(() ->
          IntStream.range(0, events).forEach(seq ->
              server.publish("acme", "stream", "seq", Integer.toString(seq))));

      for (int round = 0; round < rounds; round++) {
        shapes.forEach(hostile::send);
      }
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < rounds * shapes.size(); i++) {
        codes.add(hostile.next().get("code").getAsString());
      }
      publishing.get();
      List<Integer> received = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        received.add(subscriber.next().get("data").getAsInt());
      }

      assertThat(codes).containsOnly("bad_request").hasSize(rounds * shapes.size());
      assertThat(received).isEqualTo(IntStream.range(0, events).boxed().toList());
      assertThat(hostile.request("{\"op\":\"ping\",\"id\":5}", 5).get("op").getAsString())
          .isEqualTo("ok");
    }
  }
}
