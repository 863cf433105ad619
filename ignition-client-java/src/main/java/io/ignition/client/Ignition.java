package io.ignition.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A connection to an Ignition server, mirroring the JavaScript SDK:
 *
 * <pre>{@code
 * try (Ignition ws = Ignition.connect(IgnitionOptions.builder()
 *     .url("ws://localhost:4000").apiKey(apiKey).encryptionKey("RADHA").build())) {
 *   ws.subscribe("test");
 *   ws.on("test", message -> System.out.println(message.data()));
 *   ws.emit("test", "test", "hello world");
 *   ws.emit("test", "test", Map.of("Name", "Axn", "Age", 21));
 * }
 * }</pre>
 *
 * <p><b>Replies.</b> {@link #subscribe}, {@link #unsubscribe}, {@link #emit} and {@link #info}
 * return futures completed by the server's reply. A server {@code error} reply fails the future
 * with {@link ServerErrorException}; a missing reply fails it with {@link IgnitionException}
 * after the request timeout. Each future completes once. Cancelling a future does not withdraw
 * the operation.
 *
 * <p><b>Reconnecting.</b> After a network drop, 1001 (server going away) or 4008 (slow consumer)
 * the client reconnects with exponential backoff and full jitter, then subscribes again to
 * exactly the channels the application holds at that moment. After 4001 (bad key), 4029 (plan
 * limit) or another close code that rules out retrying, it stops and reports the code through
 * the state listeners; every later operation fails. Emits made while disconnected wait, up to
 * the buffer's capacity and timeout, and are sent in order once the subscriptions are restored.
 * An emit in flight when the connection drops fails, since it may or may not have reached the
 * server, and is never sent twice.
 *
 * <p><b>Threads.</b> Thread-safe. Handlers, listeners and future completions run on the
 * callback executor, never on the socket's I/O thread, so a slow handler does not stall reading;
 * handlers and listeners run one at a time, in the order events arrived.
 */
public interface Ignition extends AutoCloseable {

  /**
   * Connects and returns once the server's welcome has arrived.
   *
   * @throws ConnectFailedException when the server is unreachable, refuses the key (close code
   *     4001), applies a plan limit (4029), or sends no welcome within the connect timeout;
   *     {@link ConnectFailedException#closeCode()} tells which
   */
  static Ignition connect(IgnitionOptions options) {
    return RealIgnition.connect(options);
  }

  /**
   * Subscribes to {@code channel}, and holds it across reconnects until {@link #unsubscribe}.
   * Called while disconnected, the subscription is made when the connection returns.
   *
   * @return a future completed once events published from now on will be delivered; failed
   *     with {@link ServerErrorException} when the server refuses the channel (it is then no
   *     longer held), or with {@link IgnitionException} when the client is closed or stopped
   * @throws IllegalArgumentException when {@code channel} is empty
   */
  CompletableFuture<Void> subscribe(String channel);

  /**
   * Stops receiving {@code channel}'s events and stops holding it. Completes at once while
   * disconnected, since the server then holds no subscription.
   *
   * @throws IllegalArgumentException when {@code channel} is empty
   */
  CompletableFuture<Void> unsubscribe(String channel);

  /**
   * Emits {@code event} with {@code message} to every other subscriber of {@code channel}, in the
   * JavaScript SDK's argument order. The message may be a String, a number, a boolean, a Map, a
   * record, a Gson {@code JsonElement}, anything Gson can write, or null. With an encryption
   * key a String is encrypted as it is and anything else as its JSON text.
   *
   * <p>While disconnected the emit waits in the buffer. It fails at once when the buffer is
   * full, and fails when the connection does not return within the buffer timeout.
   *
   * @return a future completed by the server's {@code ok}
   * @throws IllegalArgumentException when {@code event} or {@code channel} is empty, or Gson
   *     cannot write the message
   */
  CompletableFuture<Void> emit(String event, String channel, @Nullable Object message);

  /**
   * Publishes through the HTTP API instead of the WebSocket: POST {@code /v1/publish} on
   * {@link IgnitionOptions#httpUrl()}, expecting 202. Note the argument order of the HTTP API,
   * channel first. Encrypts like {@link #emit}. Works while the WebSocket is disconnected.
   *
   * @return a future failed with {@link ServerErrorException} for a non-202 answer
   * @throws IllegalStateException when no {@code httpUrl} was configured
   */
  CompletableFuture<Void> publish(String channel, String event, @Nullable Object message);

  /**
   * Asks the server for the app's plan, limits and usage.
   *
   * @return a future failed with {@link IgnitionException} at once when not connected
   */
  CompletableFuture<Info> info();

  /**
   * Calls {@code handler} for every event named {@code event}, on any subscribed channel. The
   * same handler may be added twice and then runs twice.
   */
  void on(String event, Consumer<Message> handler);

  /**
   * Calls {@code handler} for every event, whatever its name, after the handlers registered for
   * that name with {@link #on}.
   */
  void onAny(Consumer<Message> handler);

  /** Removes a handler added with {@link #onAny}. */
  void offAny(Consumer<Message> handler);

  /** Removes every handler of {@code event}. */
  void off(String event);

  /** Removes {@code handler} from {@code event}'s handlers. */
  void off(String event, Consumer<Message> handler);

  /**
   * Adds a listener for connection state changes: {@link ConnectionState.Disconnected} with the
   * close code and reason, {@link ConnectionState.Reconnecting}, {@link ConnectionState.Connected}
   * and finally {@link ConnectionState.Closed}. To see the first connect's outcome, add the
   * listener with {@link IgnitionOptions.Builder#onStateChange} instead.
   */
  void onStateChange(Consumer<ConnectionState> listener);

  /**
   * Adds a listener for errors that belong to no future: {@link ServerErrorException}s the
   * server reports without a request id, {@link DecryptionException}s for events a handler
   * would have received, exceptions thrown by handlers, and failures to restore a subscription.
   * With no error listener such errors are logged at WARN.
   */
  void onError(Consumer<Throwable> listener);

  /**
   * Closes the connection with 1000 and fails every pending and buffered operation. Never
   * reconnects afterwards. Idempotent.
   */
  @Override
  void close();
}
