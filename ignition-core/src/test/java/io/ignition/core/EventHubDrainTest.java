package io.ignition.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.internal.PublishGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A draining hub takes no new event and waits for those it took, as a node shutting down. */
class EventHubDrainTest {
  private static final App ACME = new App("acme", Plan.ENTERPRISE);

  private final EventHub hub = EventHub.builder()
      .keys(KeyStore.inMemory(Map.of("k-acme", ACME)))
      .build();

  @Test
  void emit_afterDrain_isAnsweredShuttingDownAndNotDelivered() {
    List<Event> received = listen();
    RecordingConnection connection = new RecordingConnection("c-1");
    Session session = hub.openNative(connection, "k-acme", false);

    assertThat(hub.drain(Duration.ofSeconds(1))).isTrue();
    session.onText("{\"op\":\"emit\",\"id\":4,\"channel\":\"news\",\"event\":\"e\"}");

    JsonObject reply = lastReply(connection);
    assertThat(reply.get("op").getAsString()).isEqualTo("error");
    assertThat(reply.get("id").getAsLong()).isEqualTo(4);
    assertThat(reply.get("code").getAsString()).isEqualTo("shutting_down");
    assertThat(received).isEmpty();
  }

  @Test
  void publish_afterDrain_isRefusedByHttpAndThrowsForTheServer() {
    List<Event> received = listen();

    hub.drain(Duration.ZERO);

    assertThat(hub.publish(ACME, "news", "e", "1").code()).isEqualTo("shutting_down");
    assertThatThrownBy(() -> hub.publish("acme", "news", "e", "1"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("shutting down");
    assertThat(received).isEmpty();
  }

  @Test
  void drain_withAPublishInProgress_returnsOnlyOnceItHasBeenDelivered() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Event> received = new CopyOnWriteArrayList<>();
    hub.registry().subscribe("acme", "news", event -> {
      inside.countDown();
      awaitLatch(release);
      received.add(event);
    });
    CompletableFuture<Admission> publishing = CompletableFuture.supplyAsync(() ->
        hub.publish(ACME, "news", "e", "1"));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> draining = CompletableFuture.supplyAsync(() ->
        hub.drain(Duration.ofSeconds(10)));
    await().atMost(Duration.ofSeconds(10)).until(() -> hub.publishGate().isClosed());
    assertThat(draining).as("waits for the publish inside").isNotDone();
    release.countDown();

    assertThat(draining.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(received).hasSize(1);
    assertThat(publishing.get().admitted()).isTrue();
  }

  @Test
  void gate_whenAPublishNeverLeaves_closeGivesUpAfterTheTimeout() throws Exception {
    PublishGate gate = new PublishGate();
    assertThat(gate.enter()).isTrue();

    boolean emptied = gate.close(Duration.ofMillis(50));

    assertThat(emptied).isFalse();
    assertThat(gate.enter()).isFalse();
    gate.exit();
    assertThat(gate.close(Duration.ZERO)).isTrue();
  }

  private List<Event> listen() {
    List<Event> received = new CopyOnWriteArrayList<>();
    hub.registry().subscribe("acme", "news", received::add);
    return received;
  }

  private static JsonObject lastReply(RecordingConnection connection) {
    List<String> texts = connection.texts();
    return JsonParser.parseString(texts.get(texts.size() - 1)).getAsJsonObject();
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
