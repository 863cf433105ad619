package io.ignition.client;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/** Connects clients to a {@link FakeServer} and records what their listeners heard. */
abstract class FakeServerTestBase {

  static final Duration WAIT = Duration.ofSeconds(5);

  final FakeServer server = new FakeServer();
  final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private @Nullable Ignition client;

  /** Options with short timeouts and a fast backoff, wired to the fake and the recorders. */
  IgnitionOptions.Builder options() {
    return IgnitionOptions.builder()
        .url("ws://fake.test:4000")
        .apiKey("k-test")
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2))
        .bufferTimeout(Duration.ofSeconds(3))
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
        .onStateChange(states::add)
        .onError(errors::add)
        .transportFactory(server);
  }

  Ignition connect(IgnitionOptions.Builder builder) {
    Ignition connected = Ignition.connect(builder.build());
    client = connected;
    return connected;
  }

  Ignition connect() {
    return connect(options());
  }

  /** Waits until a recorded state matches. */
  void awaitState(Predicate<ConnectionState> matches) {
    await().atMost(WAIT.toSeconds(), TimeUnit.SECONDS)
        .until(() -> states.stream().anyMatch(matches));
  }

  /** Waits until the client is connected through connection number {@code count}. */
  FakeServer.Connection awaitConnected(int count) {
    await().atMost(WAIT.toSeconds(), TimeUnit.SECONDS).until(() -> states.stream()
        .filter(ConnectionState.Connected.class::isInstance).count() >= count);
    return server.latest();
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }
}
