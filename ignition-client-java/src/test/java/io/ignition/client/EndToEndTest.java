package io.ignition.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.core.Usage;
import io.ignition.server.IgnitionServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK against the real server on ephemeral ports: what a backend team would run. */
class EndToEndTest {

  private static final String KEY = "k-acme-1";

  private IgnitionServer server;
  private final List<Ignition> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = newServer(0, 0, QuotaPolicy.unlimited());
    server.start();
  }

  @AfterEach
  void stopEverything() {
    clients.forEach(Ignition::close);
    server.close();
  }

  @Test
  void readmeExample_inJava_receivesBothMessagesDecrypted() throws Exception {
    Ignition ws = connect(options().encryptionKey("RADHA").echo(true));
    BlockingQueue<Message> log = new LinkedBlockingQueue<>();

    ws.subscribe("test").get(5, SECONDS);
    ws.on("test", log::add);
    ws.emit("test", "test", "hello world").get(5, SECONDS);
    ws.emit("test", "test", person("Axn", 21)).get(5, SECONDS);

    assertThat(next(log).asString()).isEqualTo("hello world");
    Message object = next(log);
    assertThat(object.data()).isEqualTo(JsonParser.parseString("{\"Name\":\"Axn\",\"Age\":21}"));
    assertThat(object.channel()).isEqualTo("test");
    assertThat(object.event()).isEqualTo("test");
  }

  @Test
  void twoClientsSameKey_exchangeEveryExampleMessage_andAWrongKeyOnlyReportsErrors()
      throws Exception {
    Ignition sender = connect(options().encryptionKey("RADHA"));
    Ignition receiver = connect(options().encryptionKey("RADHA"));
    List<Throwable> wrongKeyErrors = new CopyOnWriteArrayList<>();
    Ignition wrongKey = connect(options().encryptionKey("NOT-RADHA").onError(wrongKeyErrors::add));
    Ignition noKey = connect(options());
    BlockingQueue<Message> received = subscribeAll(receiver, "test");
    BlockingQueue<Message> misread = subscribeAll(wrongKey, "test");
    BlockingQueue<Message> onTheWire = subscribeAll(noKey, "test");

    sender.emit("test", "test", "hello world").get(5, SECONDS);
    sender.emit("test", "test", person("Axn", 21)).get(5, SECONDS);
    sender.emit("test", "test", 56).get(5, SECONDS);

    assertThat(next(received).asString()).isEqualTo("hello world");
    assertThat(next(received).data())
        .isEqualTo(JsonParser.parseString("{\"Name\":\"Axn\",\"Age\":21}"));
    assertThat(next(received).data()).isEqualTo(new JsonPrimitive(56));
    for (int i = 0; i < 3; i++) {
      assertThat(next(onTheWire).asString()).startsWith("U2FsdGVkX1");
    }
    await().atMost(5, SECONDS).until(() -> wrongKeyErrors.size() == 3);
    assertThat(wrongKeyErrors).allSatisfy(e -> assertThat(e)
        .isInstanceOfSatisfying(DecryptionException.class, d -> {
          assertThat(d.channel()).isEqualTo("test");
          assertThat(d.event()).isEqualTo("test");
        }));
    assertThat(misread).isEmpty();
  }

  @Test
  void serverRestartedOnSamePort_restoresExactlyHeldChannelsAndSendsBufferedEmitsOnce()
      throws Exception {
    int port = server.port();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    Ignition client = connect(options().echo(true).onStateChange(states::add)
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    BlockingQueue<Message> received = subscribeAll(client, "a", "b", "c");
    client.unsubscribe("b").get(5, SECONDS);

    server.close();
    awaitState(states, s -> s instanceof ConnectionState.Disconnected lost
        && lost.code() == 1001 && lost.willReconnect());
    CompletableFuture<Void> subscribedWhileDown = client.subscribe("d");
    client.unsubscribe("c").get(5, SECONDS);
    List<CompletableFuture<Void>> emits = List.of(client.emit("e", "a", 1),
        client.emit("e", "a", 2), client.emit("e", "a", 3));
    server = newServer(port, 0, QuotaPolicy.unlimited());
    server.start();

    subscribedWhileDown.get(10, SECONDS);
    for (CompletableFuture<Void> emit : emits) {
      emit.get(10, SECONDS);
    }
    assertThat(List.of(next(received), next(received), next(received)))
        .extracting(Message::asString).containsExactly("1", "2", "3");
    assertThat(server.publish("acme", "b", "e", "0")).isZero();
    assertThat(server.publish("acme", "c", "e", "0")).isZero();
    assertThat(server.publish("acme", "d", "e", "\"barrier\"")).isEqualTo(1);
    assertThat(next(received).asString()).isEqualTo("barrier");
    assertThat(received).isEmpty();
  }

  @Test
  void emit_whileServerIsDown_failsAtTheBufferTimeout() throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    Ignition client = connect(options().bufferTimeout(Duration.ofMillis(300))
        .onStateChange(states::add));

    server.close();
    awaitState(states, ConnectionState.Disconnected.class::isInstance);
    CompletableFuture<Void> emitted = client.emit("e", "news", "lost?");

    assertThatThrownBy(() -> emitted.get(5, SECONDS)).cause()
        .isInstanceOf(IgnitionException.class)
        .hasMessage("emit event=e channel=news not sent: still disconnected after PT0.3S");
  }

  @Test
  void connect_badKey_failsWith4001AndTheStateListenerReportsIt() {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();

    assertThatThrownBy(() -> connect(options().apiKey("k-wrong").onStateChange(states::add)))
        .isInstanceOfSatisfying(ConnectFailedException.class,
            e -> assertThat(e.closeCode()).isEqualTo(4001))
        .hasMessageContaining("close code 4001 (missing, unknown or revoked API key)");
    awaitState(states, s -> s instanceof ConnectionState.Disconnected lost
        && lost.code() == 4001 && !lost.willReconnect());
  }

  @Test
  void connect_planLimitReached_failsWith4029WithoutRetrying() throws IOException {
    server.close();
    server = newServer(0, 0, new RefuseConnections());
    server.start();

    assertThatThrownBy(() -> connect(options()))
        .isInstanceOfSatisfying(ConnectFailedException.class,
            e -> assertThat(e.closeCode()).isEqualTo(4029))
        .hasMessageContaining("connection limit of the test plan");
  }

  @Test
  void connect_nothingListening_failsWithTheNetworkError() {
    int port = server.port();
    server.close();

    assertThatThrownBy(() -> connect(options().url("ws://127.0.0.1:" + port)))
        .isInstanceOfSatisfying(ConnectFailedException.class,
            e -> assertThat(e.closeCode()).isEqualTo(-1))
        .hasMessageContaining("Connection refused");
  }

  @Test
  void publish_overHttp_reachesSubscribersAndABadKeyIsRefused() throws Exception {
    Ignition subscriber = connect(options());
    BlockingQueue<Message> received = subscribeAll(subscriber, "news");
    String httpUrl = "http://127.0.0.1:" + server.httpPort();
    Ignition publisher = connect(options().httpUrl(httpUrl));
    HttpApi impostor = new HttpApi(URI.create(httpUrl), "k-wrong", Duration.ofSeconds(5),
        Duration.ofSeconds(5));

    publisher.publish("news", "update", person("Axn", 21)).get(5, SECONDS);

    Message message = next(received);
    assertThat(message.event()).isEqualTo("update");
    assertThat(message.data()).isEqualTo(JsonParser.parseString("{\"Name\":\"Axn\",\"Age\":21}"));
    assertThatThrownBy(() -> impostor.publish("news", "update", new JsonPrimitive(1))
        .get(5, SECONDS)).cause()
        .isInstanceOf(ServerErrorException.class)
        .hasMessageContaining("answered HTTP 401");
  }

  @Test
  void info_connected_returnsTheAppsPlanAndUsage() throws Exception {
    Ignition client = connect(options());

    Info info = client.info().get(5, SECONDS);

    assertThat(info.app()).isEqualTo("acme");
    assertThat(info.plan()).isEqualTo("pro");
    assertThat(info.usage().connections()).isEqualTo(1);
  }

  @Test
  void subscribe_invalidChannel_failsWithTheServersCode() {
    Ignition client = connect(options());

    assertThatThrownBy(() -> client.subscribe("x".repeat(129)).get(5, SECONDS)).cause()
        .isInstanceOfSatisfying(ServerErrorException.class,
            e -> assertThat(e.code()).isEqualTo("invalid_channel"));
  }

  private IgnitionOptions.Builder options() {
    return IgnitionOptions.builder()
        .url("ws://127.0.0.1:" + server.port())
        .apiKey(KEY)
        .connectTimeout(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(5));
  }

  private Ignition connect(IgnitionOptions.Builder builder) {
    Ignition client = Ignition.connect(builder.build());
    clients.add(client);
    return client;
  }

  private static IgnitionServer newServer(int port, int httpPort, QuotaPolicy quotas) {
    return IgnitionServer.builder()
        .host("127.0.0.1")
        .port(port)
        .httpPort(httpPort)
        .quotas(quotas)
        .app("acme", Plan.PRO, KEY, "k-acme-2")
        .build();
  }

  private static BlockingQueue<Message> subscribeAll(Ignition client, String... channels)
      throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    client.onAny(received::add);
    for (String channel : channels) {
      client.subscribe(channel).get(5, SECONDS);
    }
    return received;
  }

  private static Message next(BlockingQueue<Message> queue) throws InterruptedException {
    Message message = queue.poll(5, SECONDS);
    assertThat(message).as("an event within 5 seconds").isNotNull();
    return message;
  }

  private static void awaitState(List<ConnectionState> states,
      Predicate<ConnectionState> matches) {
    await().atMost(10, SECONDS).until(() -> states.stream().anyMatch(matches));
  }

  private static Map<String, Object> person(String name, int age) {
    Map<String, Object> person = new LinkedHashMap<>();
    person.put("Name", name);
    person.put("Age", age);
    return person;
  }

  /** A plan with no connections left, as a full Hobby app would be. */
  private static final class RefuseConnections implements QuotaPolicy {

    private final QuotaPolicy counting = QuotaPolicy.unlimited();

    @Override
    public Admission admitConnection(App app) {
      return Admission.refuse("connection_limit", "connection limit of the test plan reached");
    }

    @Override
    public void releaseConnection(App app) {
      counting.releaseConnection(app);
    }

    @Override
    public Admission admitRequest(App app) {
      return Admission.admit();
    }

    @Override
    public Usage usage(App app) {
      return counting.usage(app);
    }
  }
}
