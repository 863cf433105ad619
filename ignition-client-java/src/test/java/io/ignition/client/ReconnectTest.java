package io.ignition.client;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Drops, close codes, restoring subscriptions and the emit buffer, against the fake server. */
class ReconnectTest extends FakeServerTestBase {

  @ParameterizedTest(name = "close {0} reconnects={1}")
  @CsvSource({
      "1001, true", "4008, true", "1006, true", "1011, true",
      "4001, false", "4029, false", "1000, false", "1002, false", "1009, false"})
  void drop_closeCode_decidesWhetherToReconnect(int code, boolean reconnects) {
    connect();

    server.latest().drop(code, "reason " + code);

    awaitState(new ConnectionState.Disconnected(code, "reason " + code, reconnects)::equals);
    if (reconnects) {
      awaitConnected(2);
      assertThat(states).anyMatch(ConnectionState.Reconnecting.class::isInstance);
    } else {
      assertThat(states).noneMatch(ConnectionState.Reconnecting.class::isInstance);
      assertThat(server.connections()).hasSize(1);
    }
  }

  @Test
  void drop_withCode4029_stopsAndLaterOperationsFailWithTheReason() throws Exception {
    Ignition client = connect();

    server.latest().drop(4029, "daily request limit reached");
    awaitState(ConnectionState.Disconnected.class::isInstance);

    assertThatThrownBy(() -> client.emit("update", "news", 1).get(5, SECONDS)).cause()
        .hasMessageContaining("does not reconnect after close code 4029 (plan limit reached):"
            + " daily request limit reached");
  }

  @Test
  void reconnect_afterDrop_restoresExactlyTheChannelsHeldAtThatMoment() throws Exception {
    Ignition client = connect();
    for (String channel : List.of("a", "b", "c")) {
      client.subscribe(channel).get(5, SECONDS);
    }
    client.unsubscribe("b").get(5, SECONDS);
    goOffline(1006);

    CompletableFuture<Void> subscribedOffline = client.subscribe("d");
    client.unsubscribe("c").get(5, SECONDS);
    server.greeting(FakeServer.Greeting.WELCOME);

    subscribedOffline.get(5, SECONDS);
    FakeServer.Connection restored = server.latest();
    assertThat(restored.summary()).containsExactlyInAnyOrder("subscribe a", "subscribe d");
    assertThat(restored.subscriptions()).containsExactlyInAnyOrder("a", "d");
  }

  @Test
  void reconnect_bufferedEmits_areSentInOrderOnlyAfterSubscriptionsAreConfirmed()
      throws Exception {
    Ignition client = connect();
    client.subscribe("news").get(5, SECONDS);
    goOffline(1001);
    List<CompletableFuture<Void>> emits = List.of(client.emit("e", "news", 1),
        client.emit("e", "news", 2), client.emit("e", "news", 3));

    server.autoReply(false);
    server.greeting(FakeServer.Greeting.WELCOME);
    FakeServer.Connection restored = awaitConnected(2);
    JsonObject subscribe = awaitFrames(restored, 1).get(0);

    assertThat(restored.summary()).containsExactly("subscribe news");
    restored.answer(subscribe);
    awaitFrames(restored, 4).forEach(restored::answer);
    assertThat(restored.summary()).containsExactly("subscribe news",
        "emit news e 1", "emit news e 2", "emit news e 3");
    for (CompletableFuture<Void> emit : emits) {
      emit.get(5, SECONDS);
    }
  }

  @Test
  void emit_connectionDropsBeforeReply_failsOnceAndIsNeverSentAgain() throws Exception {
    Ignition client = connect();
    server.autoReply(false);
    CompletableFuture<Void> lost = client.emit("e", "news", "lost");
    AtomicInteger completions = new AtomicInteger();
    lost.whenComplete((ok, error) -> completions.incrementAndGet());
    awaitFrames(server.latest(), 1);

    server.autoReply(true);
    server.latest().drop(1006, "");

    assertThatThrownBy(() -> lost.get(5, SECONDS)).cause()
        .hasMessageContaining("emit event=e channel=news failed: the connection was lost"
            + " before the server replied")
        .hasMessageContaining("may or may not have taken effect");
    FakeServer.Connection second = awaitConnected(2);
    client.emit("e", "news", "after").get(5, SECONDS);
    assertThat(second.summary()).containsExactly("emit news e \"after\"");
    assertThat(completions).hasValue(1);
  }

  @Test
  void emit_bufferFull_failsAtOnceWithTheCapacity() throws Exception {
    Ignition client = connect(options().bufferCapacity(2));
    goOffline(1006);
    client.emit("e", "news", 1);
    client.emit("e", "news", 2);

    CompletableFuture<Void> third = client.emit("e", "news", 3);

    assertThatThrownBy(() -> third.get(5, SECONDS)).cause()
        .hasMessage("emit event=e channel=news not sent: disconnected and the emit buffer is"
            + " full (2 emits waiting)");
  }

  @Test
  void emit_disconnectedPastBufferTimeout_failsAndIsNotSentLater() throws Exception {
    Ignition client = connect(options().bufferTimeout(Duration.ofMillis(200)));
    goOffline(1006);

    CompletableFuture<Void> stale = client.emit("e", "news", "stale");

    assertThatThrownBy(() -> stale.get(5, SECONDS)).cause()
        .hasMessage("emit event=e channel=news not sent: still disconnected after PT0.2S");
    server.greeting(FakeServer.Greeting.WELCOME);
    FakeServer.Connection back = awaitConnected(2);
    client.emit("e", "news", "fresh").get(5, SECONDS);
    assertThat(back.summary()).containsExactly("emit news e \"fresh\"");
  }

  @Test
  void subscribe_refusedByServer_failsAndIsNotRestoredAfterReconnect() throws Exception {
    Ignition client = connect();
    server.refuseChannel("forbidden");
    client.subscribe("news").get(5, SECONDS);

    CompletableFuture<Void> refused = client.subscribe("forbidden");

    assertThatThrownBy(() -> refused.get(5, SECONDS)).cause()
        .isInstanceOfSatisfying(ServerErrorException.class,
            e -> assertThat(e.code()).isEqualTo("invalid_channel"));
    server.latest().drop(1006, "");
    FakeServer.Connection back = awaitConnected(2);
    client.emit("e", "news", 1).get(5, SECONDS);
    assertThat(back.summary()).containsExactly("subscribe news", "emit news e 1");
  }

  @Test
  void unsubscribe_whileDisconnected_completesAtOnceAndWithdrawsAWaitingSubscribe()
      throws Exception {
    Ignition client = connect();
    goOffline(1006);
    CompletableFuture<Void> waiting = client.subscribe("news");

    client.unsubscribe("news").get(5, SECONDS);

    assertThatThrownBy(() -> waiting.get(5, SECONDS)).cause()
        .hasMessage("subscribe channel=news withdrawn: unsubscribed before the connection"
            + " returned");
  }

  @Test
  void subscribe_inFlightWhenConnectionDrops_completesWhenRestored() throws Exception {
    Ignition client = connect();
    server.autoReply(false);
    CompletableFuture<Void> subscribed = client.subscribe("news");
    awaitFrames(server.latest(), 1);

    server.autoReply(true);
    server.latest().drop(1006, "");

    subscribed.get(5, SECONDS);
    assertThat(awaitConnected(2).subscriptions()).containsExactly("news");
  }

  @Test
  void reconnect_serverStaysDown_backsOffWithGrowingAttemptNumbersWithinTheCeiling() {
    connect();

    goOffline(1006);

    await().atMost(5, SECONDS).until(() -> reconnecting().size() >= 4);
    List<ConnectionState.Reconnecting> attempts = reconnecting().subList(0, 4);
    Backoff ceilings = new Backoff(Duration.ofMillis(10), Duration.ofMillis(40));
    for (int i = 0; i < attempts.size(); i++) {
      assertThat(attempts.get(i).attempt()).isEqualTo(i + 1);
      assertThat(attempts.get(i).delay().toMillis()).isBetween(0L, ceilings.ceilingMillis(i + 1));
    }
  }

  @Test
  void close_whileWaitingToReconnect_neverConnectsAgain() {
    Ignition client = connect(options()
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(200)));
    goOffline(1006);

    client.close();
    int attemptsAtClose = server.connections().size();
    server.greeting(FakeServer.Greeting.WELCOME);

    // Longer than the largest backoff: a reconnect still scheduled would have happened.
    await().during(400, MILLISECONDS).atMost(2, SECONDS)
        .until(() -> server.connections().size() == attemptsAtClose);
    assertThat(states).filteredOn(ConnectionState.Connected.class::isInstance).hasSize(1);
  }

  /** Drops the connection with {@code code} and keeps the server unreachable until told. */
  private void goOffline(int code) {
    server.greeting(FakeServer.Greeting.UNREACHABLE);
    server.latest().drop(code, "");
    awaitState(new ConnectionState.Disconnected(code, "", true)::equals);
  }

  private List<ConnectionState.Reconnecting> reconnecting() {
    return states.stream().filter(ConnectionState.Reconnecting.class::isInstance)
        .map(ConnectionState.Reconnecting.class::cast).toList();
  }

  private static List<JsonObject> awaitFrames(FakeServer.Connection connection, int count) {
    await().atMost(5, SECONDS).until(() -> connection.received().size() >= count);
    return connection.received();
  }
}
