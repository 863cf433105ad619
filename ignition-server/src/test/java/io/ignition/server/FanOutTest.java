package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.ignition.core.Plan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fan-out volume and order over real sockets. */
class FanOutTest {
  private static final int SUBSCRIBERS = 20;
  private static final int EVENTS = 10_000;

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
}
