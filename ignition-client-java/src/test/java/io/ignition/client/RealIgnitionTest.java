package io.ignition.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The client's session against an in-memory server: connect, requests, events and close. */
class RealIgnitionTest extends FakeServerTestBase {

  @Test
  void connect_serverWelcomes_reportsConnectedAndSendsKeyAsBearerHeader() {
    connect(options().echo(true));

    awaitState(new ConnectionState.Connected("c-1", "hobby",
        new Limits(100, 10, 65536, 100))::equals);
    assertThat(server.lastUri()).hasToString("ws://fake.test:4000/v1?echo=true");
    assertThat(server.lastHeaders()).containsEntry("Authorization", "Bearer k-test");
  }

  @Test
  void connect_keyRefused_throwsWithCloseCode4001AndReportsItWithoutRetrying() {
    server.greeting(FakeServer.Greeting.REFUSE_4001);

    assertThatThrownBy(() -> connect())
        .isInstanceOfSatisfying(ConnectFailedException.class, e -> {
          assertThat(e.closeCode()).isEqualTo(4001);
          assertThat(e.reason()).isEqualTo("unknown API key");
        })
        .hasMessageContaining("close code 4001 (missing, unknown or revoked API key)");
    awaitState(new ConnectionState.Disconnected(4001, "unknown API key", false)::equals);
    assertThat(server.connections()).hasSize(1);
  }

  @Test
  void connect_serverUnreachable_throwsWithTheNetworkError() {
    server.greeting(FakeServer.Greeting.UNREACHABLE);

    assertThatThrownBy(() -> connect())
        .isInstanceOfSatisfying(ConnectFailedException.class,
            e -> assertThat(e.closeCode()).isEqualTo(-1))
        .hasMessageContaining("cannot connect to ws://fake.test:4000/v1")
        .hasMessageContaining("Connection refused");
  }

  @Test
  void connect_noWelcome_failsAtConnectTimeoutAndClosesTheSocket() {
    server.greeting(FakeServer.Greeting.SILENT);

    assertThatThrownBy(() -> connect(options().connectTimeout(Duration.ofMillis(200))))
        .isInstanceOf(ConnectFailedException.class)
        .hasMessageContaining("no welcome within PT0.2S");
    assertThat(server.latest().isOpen()).isFalse();
  }

  @Test
  void subscribe_serverAnswersOk_completesAndSendsFramesWithDistinctIds() throws Exception {
    Ignition client = connect();

    client.subscribe("news").get(5, SECONDS);
    client.emit("update", "news", 1).get(5, SECONDS);
    client.unsubscribe("news").get(5, SECONDS);

    assertThat(server.latest().summary())
        .containsExactly("subscribe news", "emit news update 1", "unsubscribe news");
    Set<Long> ids = server.latest().received().stream()
        .map(frame -> frame.get("id").getAsLong()).collect(Collectors.toSet());
    assertThat(ids).hasSize(3).allMatch(id -> id > 0);
  }

  @Test
  void emit_serverAnswersError_failsWithTheCodeAndMessage() throws Exception {
    Ignition client = connect();
    server.autoReply(false);

    CompletableFuture<Void> emitted = client.emit("bad\u0001", "news", "x");
    long id = awaitReceived(server.latest(), 1).get("id").getAsLong();
    server.latest().deliver("{\"op\":\"error\",\"id\":" + id + ",\"code\":\"invalid_event\","
        + "\"message\":\"event must be 1 to 64 characters\"}");

    assertThatThrownBy(() -> emitted.get(5, SECONDS))
        .cause()
        .isInstanceOfSatisfying(ServerErrorException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_event");
          assertThat(e.serverMessage()).isEqualTo("event must be 1 to 64 characters");
        })
        .hasMessageContaining("emit event=bad\u0001 channel=news");
  }

  @Test
  void emit_noReply_failsAfterTheRequestTimeout() {
    Ignition client = connect(options().requestTimeout(Duration.ofMillis(200)));
    server.autoReply(false);

    CompletableFuture<Void> emitted = client.emit("update", "news", "x");

    assertThatThrownBy(() -> emitted.get(5, SECONDS))
        .cause()
        .isInstanceOf(IgnitionException.class)
        .hasMessage("no reply to emit event=update channel=news within PT0.2S;"
            + " it may or may not have been delivered");
  }

  @Test
  void emit_variousMessages_sendsThemAsJson() throws Exception {
    Ignition client = connect();
    Map<String, Object> person = new LinkedHashMap<>();
    person.put("Name", "Axn");
    person.put("Age", 21);

    client.emit("e", "c", "hello world").get(5, SECONDS);
    client.emit("e", "c", person).get(5, SECONDS);
    client.emit("e", "c", 56).get(5, SECONDS);
    client.emit("e", "c", true).get(5, SECONDS);
    client.emit("e", "c", new Point(1, 2)).get(5, SECONDS);
    client.emit("e", "c", null).get(5, SECONDS);

    assertThat(server.latest().summary()).containsExactly("emit c e \"hello world\"",
        "emit c e {\"Name\":\"Axn\",\"Age\":21}", "emit c e 56", "emit c e true",
        "emit c e {\"x\":1,\"y\":2}", "emit c e null");
  }

  @Test
  void emit_withEncryptionKey_sendsCiphertextThatDecryptsToTheJsonText() throws Exception {
    Ignition client = connect(options().encryptionKey("RADHA"));
    Map<String, Object> person = new LinkedHashMap<>();
    person.put("Name", "Axn");
    person.put("Age", 21);

    client.emit("e", "c", person).get(5, SECONDS);
    client.emit("e", "c", "hello world").get(5, SECONDS);

    String first = server.latest().received().get(0).get("data").getAsString();
    String second = server.latest().received().get(1).get("data").getAsString();
    assertThat(first).startsWith("U2FsdGVkX1");
    assertThat(CryptoJsAes.decrypt(first, "RADHA")).isEqualTo("{\"Name\":\"Axn\",\"Age\":21}");
    assertThat(CryptoJsAes.decrypt(second, "RADHA")).isEqualTo("hello world");
  }

  @Test
  void on_eventArrives_handlerGetsTheMessageOffTheIoThread() throws Exception {
    Ignition client = connect();
    CompletableFuture<Message> received = new CompletableFuture<>();
    AtomicReference<String> thread = new AtomicReference<>();
    client.on("update", message -> {
      thread.set(Thread.currentThread().getName());
      received.complete(message);
    });

    server.latest().event("news", "update", "{\"a\":1}");

    Message message = received.get(5, SECONDS);
    assertThat(message.channel()).isEqualTo("news");
    assertThat(message.event()).isEqualTo("update");
    assertThat(message.data()).isEqualTo(JsonParser.parseString("{\"a\":1}"));
    assertThat(message.asString()).isEqualTo("{\"a\":1}");
    assertThat(thread.get()).startsWith("ignition-callback-");
  }

  @Test
  void off_handlerRemoved_isNotCalledForLaterEvents() throws Exception {
    Ignition client = connect();
    CompletableFuture<Message> removed = new CompletableFuture<>();
    CompletableFuture<Message> barrier = new CompletableFuture<>();
    client.on("update", removed::complete);
    client.on("later", barrier::complete);

    client.off("update");
    server.latest().event("news", "update", "1");
    server.latest().event("news", "later", "2");

    // Handlers run in arrival order, so once "later" ran, "update" was already dispatched.
    assertThat(barrier.get(5, SECONDS).asString()).isEqualTo("2");
    assertThat(removed).isNotDone();
  }

  @Test
  void slowHandler_blocked_doesNotStallRepliesOrFutureCompletion() throws Exception {
    Ignition client = connect();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    client.on("slow", message -> {
      entered.countDown();
      awaitQuietly(release);
    });
    server.latest().event("news", "slow", "1");
    assertThat(entered.await(5, SECONDS)).isTrue();

    CompletableFuture<Void> emitted = client.emit("update", "news", "while blocked");

    emitted.get(5, SECONDS);
    release.countDown();
  }

  @Test
  void handler_blocksOnAFutureOfTheClient_doesNotDeadlock() throws Exception {
    Ignition client = connect();
    CompletableFuture<String> outcome = new CompletableFuture<>();
    client.on("ping", message -> {
      try {
        client.emit("pong", "news", "reply").get(5, SECONDS);
        outcome.complete("emitted");
      } catch (Exception e) {
        outcome.completeExceptionally(e);
      }
    });

    server.latest().event("news", "ping", "1");

    assertThat(outcome.get(10, SECONDS)).isEqualTo("emitted");
  }

  @Test
  void handler_throws_errorListenerGetsItAndLaterEventsStillArrive() throws Exception {
    Ignition client = connect();
    CompletableFuture<Message> later = new CompletableFuture<>();
    client.on("boom", message -> {
      throw new IllegalStateException("handler bug");
    });
    client.on("later", later::complete);

    server.latest().event("news", "boom", "1");
    server.latest().event("news", "later", "2");

    assertThat(later.get(5, SECONDS).asString()).isEqualTo("2");
    assertThat(errors).singleElement()
        .satisfies(e -> assertThat(e).hasMessage("handler for event=boom on channel=news threw")
            .hasRootCauseMessage("handler bug"));
  }

  @Test
  void onAny_eventsOfEveryName_areDeliveredAfterNamedHandlers() throws Exception {
    Ignition client = connect();
    CompletableFuture<Message> any = new CompletableFuture<>();
    client.onAny(any::complete);

    server.latest().event("news", "whatever", "\"text\"");

    assertThat(any.get(5, SECONDS).asString()).isEqualTo("text");
  }

  @Test
  void serverError_withoutId_goesToTheErrorListener() {
    connect();

    server.latest().deliver(
        "{\"op\":\"error\",\"code\":\"bad_request\",\"message\":\"frame is not JSON\"}");

    await().atMost(5, SECONDS).until(() -> !errors.isEmpty());
    assertThat(errors.get(0)).isInstanceOfSatisfying(ServerErrorException.class, e -> {
      assertThat(e.code()).isEqualTo("bad_request");
      assertThat(e.serverMessage()).isEqualTo("frame is not JSON");
    });
  }

  @Test
  void unreadableFrame_fromServer_goesToTheErrorListenerAndTheClientCarriesOn()
      throws Exception {
    Ignition client = connect();

    server.latest().deliver("not json at all {");
    client.emit("update", "news", 1).get(5, SECONDS);

    await().atMost(5, SECONDS).until(() -> !errors.isEmpty());
    assertThat(errors.get(0)).hasMessageStartingWith("unreadable frame from the server");
  }

  @Test
  void event_undecryptable_goesToTheErrorListenerWithChannelAndEvent() throws Exception {
    Ignition client = connect(options().encryptionKey("RADHA"));
    CompletableFuture<Message> received = new CompletableFuture<>();
    client.on("secret", received::complete);

    server.latest().event("vault", "secret",
        "\"" + CryptoJsAes.encrypt("for other eyes", "NOT-RADHA") + "\"");
    server.latest().event("vault", "secret", "{\"plain\":true}");
    server.latest().event("vault", "secret",
        "\"" + CryptoJsAes.encrypt("{\"Name\":\"Axn\"}", "RADHA") + "\"");

    Message message = received.get(5, SECONDS);
    assertThat(message.asString()).isEqualTo("{\"Name\":\"Axn\"}");
    assertThat(message.data()).isEqualTo(JsonParser.parseString("{\"Name\":\"Axn\"}"));
    assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e)
        .isInstanceOfSatisfying(DecryptionException.class, d -> {
          assertThat(d.channel()).isEqualTo("vault");
          assertThat(d.event()).isEqualTo("secret");
        }));
  }

  @Test
  void info_serverAnswers_returnsPlanLimitsAndUsage() throws Exception {
    Ignition client = connect();

    Info info = client.info().get(5, SECONDS);

    assertThat(info.app()).isEqualTo("acme");
    assertThat(info.plan()).isEqualTo("hobby");
    assertThat(info.limits()).isEqualTo(new Limits(100, 10, 65536, 100));
    assertThat(info.usage().requestsLeft()).isEqualTo(97);
    assertThat(info.usage().resetAt()).hasToString("2025-12-04T00:00:00Z");
  }

  @Test
  void close_calledTwice_failsPendingOperationsReportsClosedOnceAndRefusesMore()
      throws Exception {
    Ignition client = connect();
    server.autoReply(false);
    CompletableFuture<Void> pending = client.emit("update", "news", 1);
    awaitReceived(server.latest(), 1);

    client.close();
    client.close();

    assertThatThrownBy(() -> pending.get(5, SECONDS)).cause()
        .hasMessage("the client was closed before the operation completed");
    assertThatThrownBy(() -> client.subscribe("news").get(5, SECONDS)).cause()
        .hasMessage("refused: the client is closed");
    awaitState(ConnectionState.Closed.class::isInstance);
    assertThat(states).filteredOn(ConnectionState.Closed.class::isInstance).hasSize(1);
    assertThat(server.latest().isOpen()).isFalse();
    assertThat(server.connections()).hasSize(1);
  }

  @Test
  void emit_emptyEventOrUnwritableMessage_throwsAtOnce() {
    Ignition client = connect();

    assertThatThrownBy(() -> client.emit("", "news", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("event must not be empty");
    assertThatThrownBy(() -> client.emit("e", "news", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> client.publish("news", "e", 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("httpUrl");
  }

  record Point(int x, int y) {}

  private static JsonObject awaitReceived(FakeServer.Connection connection, int count) {
    await().atMost(5, SECONDS).until(() -> connection.received().size() >= count);
    return connection.received().get(count - 1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
