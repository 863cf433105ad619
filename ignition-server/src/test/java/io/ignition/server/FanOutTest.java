package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.ignition.core.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fan-out volume and order over real sockets. */
class FanOutTest {
  private static final int SUBSCRIBERS = 20;
  private static final int EVENTS = 10_000;
  /**
   * More subscribers than one message may write on its reading thread (MessageScope's limit), so
   * that even a paced event goes out partly from the flush loops.
   */
  private static final int WIDE_FAN_OUT = 150;
  private static final int EVENTS_PER_PUBLISHER = 1_000;

  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.ENTERPRISE, "k-acme")
        .maxQueuedBytes(16 * 1024 * 1024)
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void emit_tenThousandEvents_reachEverySubscriberCompleteAndInOrder() {
    List<WsClient> subscribers = new ArrayList<>();
    try (WsClient publisher = WsClient.welcomed(server, "k-acme")) {
      for (int i = 0; i < SUBSCRIBERS; i++) {
        WsClient subscriber = WsClient.welcomed(server, "k-acme");
        subscriber.subscribe("ticks", 1);
        subscribers.add(subscriber);
      }

      for (int n = 0; n < EVENTS; n++) {
        publisher.send("{\"op\":\"emit\",\"channel\":\"ticks\",\"event\":\"tick\",\"data\":" + n
            + "}");
      }

      for (WsClient subscriber : subscribers) {
        for (int n = 0; n < EVENTS; n++) {
          JsonObject event = subscriber.next();
          assertThat(event.get("data").getAsInt()).as("event number").isEqualTo(n);
        }
      }
    } finally {
      subscribers.forEach(WsClient::close);
    }
  }

  @Test
  void emit_pacedAndFlatOutPublishersToWideChannel_everySubscriberGetsBothStreamsInOrder() {
    List<WsClient> subscribers = new ArrayList<>();
    try (WsClient paced = WsClient.welcomed(server, "k-acme");
        WsClient flatOut = WsClient.welcomed(server, "k-acme")) {
      for (int i = 0; i < WIDE_FAN_OUT; i++) {
        WsClient subscriber = WsClient.welcomed(server, "k-acme");
        subscriber.subscribe("wide", 1);
        subscribers.add(subscriber);
      }

      // One publisher waits for each answer, so the flush threads are mostly parked and its
      // events go out from the reading thread; the other never waits, so they are mostly busy.
      Thread blaster = new Thread(() -> {
        for (int n = 0; n < EVENTS_PER_PUBLISHER; n++) {
          flatOut.send(emit("wide", "fast", n, null));
        }
      });
      blaster.start();
      for (int n = 0; n < EVENTS_PER_PUBLISHER; n++) {
        long id = n + 1;
        JsonObject reply = paced.request(emit("wide", "paced", n, id), id);
        assertThat(reply.get("op").getAsString()).as("emit reply %s", reply).isEqualTo("ok");
      }

      for (WsClient subscriber : subscribers) {
        Map<String, Integer> nextByStream = new HashMap<>(Map.of("paced", 0, "fast", 0));
        for (int n = 0; n < 2 * EVENTS_PER_PUBLISHER; n++) {
          JsonObject event = subscriber.next();
          String stream = event.get("event").getAsString();
          assertThat(event.get("data").getAsInt()).as("next %s event", stream)
              .isEqualTo(nextByStream.get(stream));
          nextByStream.merge(stream, 1, Integer::sum);
        }
      }
    } finally {
      subscribers.forEach(WsClient::close);
    }
  }

  private static String emit(String channel, String event, int data, @Nullable Long id) {
    return "{\"op\":\"emit\"" + (id == null ? "" : ",\"id\":" + id) + ",\"channel\":\""
        + channel + "\",\"event\":\"" + event + "\",\"data\":" + data + "}";
  }
}
