package io.ignition.client;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Ignition} client.
 *
 * <p>Design. One lock guards the session: its phase, the current connection attempt, the channels
 * the application holds, the requests awaiting a reply by frame id, the emit buffer and the
 * subscribes waiting for a connection. Transport callbacks, timers and API calls take the lock
 * only to change that state and to queue frames (a non-blocking send); everything the
 * application supplied runs later on the callback executor through {@link CallbackDispatcher}.
 * Each {@link Request} settles exactly once, whichever of reply, deadline, drop or close comes
 * first.
 *
 * <p>Phases: CONNECTING (an attempt is open, no welcome yet), RESTORING (welcome received,
 * subscribing again to the held channels), OPEN (emits go straight out), WAITING (backoff before
 * the next attempt), STOPPED (the server closed with a code that rules out retrying) and CLOSED
 * (the application closed the client). Emits made in any phase but OPEN wait in the buffer, so
 * they follow the restored subscriptions. Subscribes in flight when a connection drops move to
 * the waiting subscribes and are completed by the restore, since subscribing twice is harmless;
 * emits in flight fail instead, since sending them again could deliver them twice.
 */
final class RealIgnition implements Ignition {

  private static final Logger log = LoggerFactory.getLogger(RealIgnition.class);

  private enum Phase { CONNECTING, RESTORING, OPEN, WAITING, STOPPED, CLOSED }

  private enum Kind { SUBSCRIBE, UNSUBSCRIBE, EMIT, INFO }

  /** A frame awaiting the server's reply; restore marks subscribes made by a reconnect. */
  private record Pending(Kind kind, String what, String channel, List<Request<Void>> waiters,
      @Nullable Request<Info> info, boolean restore) {}

  /** An emit waiting in the buffer for the connection. Identity matters: see removeBuffered. */
  private record BufferedEmit(String event, String channel, JsonElement data,
      Request<Void> request) {

    String what() {
      return "emit event=" + event + " channel=" + channel;
    }
  }

  /** One connection attempt; callbacks from attempts other than the current one are ignored. */
  private final class Attempt implements TransportListener {

    volatile @Nullable Transport transport;

    @Override
    public void onText(String text) {
      handleText(this, text);
    }

    @Override
    public void onClosed(int code, String reason) {
      handleClosed(this, code, reason);
    }
  }

  private final IgnitionOptions options;
  private final URI uri;
  private final Map<String, String> headers;
  private final PayloadCodec codec;
  private final CallbackDispatcher callbacks;
  private final ScheduledExecutorService timer;
  private final Backoff backoff;
  private final AtomicLong ids = new AtomicLong();
  private final @Nullable HttpApi http;

  private final Object lock = new Object();
  /** Completed by the first welcome, failed when the first attempt fails. */
  @GuardedBy("lock")
  private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
  @GuardedBy("lock")
  private Phase phase = Phase.CONNECTING;
  @GuardedBy("lock")
  private @Nullable Attempt attempt;
  @GuardedBy("lock")
  private final Set<String> channels = new LinkedHashSet<>();
  @GuardedBy("lock")
  private final Map<Long, Pending> pending = new HashMap<>();
  @GuardedBy("lock")
  private final ArrayDeque<BufferedEmit> buffer = new ArrayDeque<>();
  @GuardedBy("lock")
  private final Map<String, List<Request<Void>>> waitingSubscribes = new HashMap<>();
  @GuardedBy("lock")
  private int restoresLeft;
  @GuardedBy("lock")
  private int failedAttempts;
  @GuardedBy("lock")
  private String stoppedBecause = "";

  private RealIgnition(IgnitionOptions options) {
    this.options = options;
    this.uri = options.webSocketUri();
    this.headers = Map.of("Authorization", "Bearer " + options.apiKey());
    this.codec = new PayloadCodec(options.encryptionKey());
    this.callbacks = new CallbackDispatcher(options.callbackExecutor(), codec);
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "ignition-timer");
      thread.setDaemon(true);
      return thread;
    });
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    URI httpUrl = options.httpUrl();
    this.http = httpUrl == null ? null : new HttpApi(httpUrl, options.apiKey(),
        options.connectTimeout(), options.requestTimeout());
    options.stateListeners().forEach(callbacks::addStateListener);
    options.errorListeners().forEach(callbacks::addErrorListener);
  }

  /** Connects and waits for the welcome; see {@link Ignition#connect}. */
  static Ignition connect(IgnitionOptions options) {
    RealIgnition client = new RealIgnition(requireNonNull(options, "options"));
    CompletableFuture<Void> welcome;
    synchronized (client.lock) {
      client.openAttempt();
      welcome = client.welcomed;
    }
    try {
      // The attempt's own timer fails it at connectTimeout; the margin only guards that timer.
      welcome.get(options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      return client;
    } catch (ExecutionException e) {
      client.shutdown(false);
      // Thrown anew so the stack trace shows the caller, not the I/O thread.
      throw e.getCause() instanceof ConnectFailedException failed
          ? new ConnectFailedException(failed.closeCode(), failed.reason(), failed.getMessage())
          : new ConnectFailedException(-1, "", "cannot connect to " + client.uri + ": " + e);
    } catch (TimeoutException e) {
      client.shutdown(false);
      throw new ConnectFailedException(-1, "", "no welcome from " + client.uri + " within "
          + options.connectTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.shutdown(false);
      throw new ConnectFailedException(-1, "", "interrupted while connecting to " + client.uri);
    }
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    requireName(channel, "channel");
    Request<Void> request = new Request<>(callbacks);
    synchronized (lock) {
      if (refused(request)) {
        return request.future();
      }
      channels.add(channel);
      if (phase == Phase.OPEN || phase == Phase.RESTORING) {
        request.deadline(timer, options.requestTimeout(),
            () -> subscribeTimeout(channel, options.requestTimeout()), () -> { });
        sendSubscribe(channel, new ArrayList<>(List.of(request)), false);
      } else {
        waitingSubscribes.computeIfAbsent(channel, c -> new ArrayList<>()).add(request);
        Duration wait = options.bufferTimeout().plus(options.requestTimeout());
        request.deadline(timer, wait, () -> subscribeTimeout(channel, wait),
            () -> removeWaiting(channel, request));
      }
    }
    return request.future();
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    requireName(channel, "channel");
    Request<Void> request = new Request<>(callbacks);
    synchronized (lock) {
      if (refused(request)) {
        return request.future();
      }
      channels.remove(channel);
      List<Request<Void>> waiting = waitingSubscribes.remove(channel);
      if (waiting != null) {
        waiting.forEach(r -> r.fail(new IgnitionException("subscribe channel=" + channel
            + " withdrawn: unsubscribed before the connection returned")));
      }
      if (phase == Phase.OPEN || phase == Phase.RESTORING) {
        sendUnsubscribe(channel, request);
      } else {
        request.succeed(null);
      }
    }
    return request.future();
  }

  @Override
  public CompletableFuture<Void> emit(String event, String channel, @Nullable Object message) {
    requireName(event, "event");
    requireName(channel, "channel");
    BufferedEmit emit = new BufferedEmit(event, channel, codec.encode(message),
        new Request<>(callbacks));
    synchronized (lock) {
      if (refused(emit.request())) {
        return emit.request().future();
      }
      if (phase != Phase.OPEN || !sendEmit(emit)) {
        bufferEmit(emit);
      }
    }
    return emit.request().future();
  }

  @Override
  public CompletableFuture<Void> publish(String channel, String event, @Nullable Object message) {
    requireName(channel, "channel");
    requireName(event, "event");
    if (http == null) {
      throw new IllegalStateException("publish needs IgnitionOptions.httpUrl, which is not set");
    }
    JsonElement data = codec.encode(message);
    Request<Void> request = new Request<>(callbacks);
    synchronized (lock) {
      if (phase == Phase.CLOSED) {
        request.fail(new IgnitionException("publish refused: the client is closed"));
        return request.future();
      }
    }
    http.publish(channel, event, data).whenComplete((ok, error) -> {
      if (error == null) {
        request.succeed(null);
      } else {
        request.fail(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
      }
    });
    return request.future();
  }

  @Override
  public CompletableFuture<Info> info() {
    Request<Info> request = new Request<>(callbacks);
    synchronized (lock) {
      if (refused(request)) {
        return request.future();
      }
      if (phase != Phase.OPEN && phase != Phase.RESTORING) {
        request.fail(new IgnitionException("info needs a connection; the client is reconnecting"));
        return request.future();
      }
      long id = ids.incrementAndGet();
      pending.put(id, new Pending(Kind.INFO, "info", "", List.of(), request, false));
      request.deadline(timer, options.requestTimeout(), () -> new IgnitionException(
          "no reply to info within " + options.requestTimeout()), () -> removePending(id));
      if (!transport().send(Frames.info(id))) {
        pending.remove(id);
        request.fail(new IgnitionException("info needs a connection; the connection is closing"));
      }
    }
    return request.future();
  }

  @Override
  public void on(String event, Consumer<Message> handler) {
    callbacks.on(requireNonNull(event, "event"), requireNonNull(handler, "handler"));
  }

  @Override
  public void off(String event) {
    callbacks.off(requireNonNull(event, "event"));
  }

  @Override
  public void off(String event, Consumer<Message> handler) {
    callbacks.off(requireNonNull(event, "event"), requireNonNull(handler, "handler"));
  }

  @Override
  public void onAny(Consumer<Message> handler) {
    callbacks.onAny(requireNonNull(handler, "handler"));
  }

  @Override
  public void offAny(Consumer<Message> handler) {
    callbacks.offAny(requireNonNull(handler, "handler"));
  }

  @Override
  public void onStateChange(Consumer<ConnectionState> listener) {
    callbacks.addStateListener(requireNonNull(listener, "listener"));
  }

  @Override
  public void onError(Consumer<Throwable> listener) {
    callbacks.addErrorListener(requireNonNull(listener, "listener"));
  }

  @Override
  public void close() {
    shutdown(true);
  }

  // ---- Connection attempts ----

  @GuardedBy("lock")
  private void openAttempt() {
    phase = Phase.CONNECTING;
    Attempt next = new Attempt();
    attempt = next;
    try {
      next.transport = options.transportFactory().open(uri, headers, options.connectTimeout(),
          options.pingInterval(), next);
    } catch (RuntimeException e) {
      // Report from the timer thread, as a transport would from its own.
      timer.execute(() -> handleClosed(next, CloseCodes.NEVER_OPENED, e.toString()));
      return;
    }
    timer.schedule(() -> onWelcomeTimeout(next), options.connectTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void onWelcomeTimeout(Attempt timedOut) {
    synchronized (lock) {
      if (timedOut == attempt && phase == Phase.CONNECTING) {
        abandon(timedOut, CloseCodes.NEVER_OPENED,
            "no welcome within " + options.connectTimeout());
      }
    }
  }

  /**
   * Closes the attempt's socket and handles it as closed with {@code code}. Under the lock, so
   * the transport's own close callback, which needs the lock, finds the attempt already gone.
   */
  @GuardedBy("lock")
  private void abandon(Attempt failed, int code, String reason) {
    Transport transport = failed.transport;
    if (transport != null) {
      transport.close(code == CloseCodes.NEVER_OPENED ? 1000 : code, "client gave up");
    }
    handleClosed(failed, code, reason);
  }

  private void reconnect() {
    synchronized (lock) {
      if (phase == Phase.WAITING) {
        openAttempt();
      }
    }
  }

  // ---- Frames from the server, on the transport's I/O thread ----

  private void handleText(Attempt from, String text) {
    JsonObject frame;
    String op;
    try {
      frame = Json.parseObject(text);
      op = Json.string(frame, "op");
    } catch (JsonParseException | IllegalStateException e) {
      callbacks.error(new IgnitionException(
          "unreadable frame from the server: " + Json.abbreviate(text), e));
      return;
    }
    switch (op) {
      case "event" -> handleEvent(from, frame, text);
      case "welcome" -> handleWelcome(from, frame, text);
      case "ok", "error" -> handleReply(from, frame);
      default -> log.debug("ignoring frame with unknown op op={}", op);
    }
  }

  private void handleEvent(Attempt from, JsonObject frame, String text) {
    synchronized (lock) {
      if (from != attempt) {
        return;
      }
    }
    String channel;
    String event;
    try {
      channel = Json.string(frame, "channel");
      event = Json.string(frame, "event");
    } catch (JsonParseException e) {
      callbacks.error(new IgnitionException("malformed event frame: " + Json.abbreviate(text), e));
      return;
    }
    JsonElement data = frame.has("data") ? frame.get("data") : JsonNull.INSTANCE;
    // Outside the lock: this blocks while handlers are far behind.
    callbacks.event(channel, event, data);
  }

  private void handleWelcome(Attempt from, JsonObject frame, String text) {
    ConnectionState.Connected connected;
    try {
      connected = new ConnectionState.Connected(Json.string(frame, "connection"),
          Json.string(frame, "plan"), Limits.fromJson(Json.object(frame, "limits")));
    } catch (JsonParseException | IllegalStateException e) {
      synchronized (lock) {
        if (from == attempt) {
          abandon(from, 1002, "malformed welcome: " + e.getMessage());
        }
      }
      return;
    }
    synchronized (lock) {
      if (from != attempt || phase != Phase.CONNECTING) {
        return;
      }
      log.debug("connected uri={} connection={}", uri, connected.connectionId());
      failedAttempts = 0;
      phase = Phase.RESTORING;
      callbacks.state(connected);
      welcomed.complete(null);
      restoreSubscriptions(from);
    }
  }

  @GuardedBy("lock")
  private void restoreSubscriptions(Attempt current) {
    restoresLeft = 0;
    for (String channel : channels) {
      List<Request<Void>> waiting = waitingSubscribes.remove(channel);
      sendSubscribe(channel, waiting == null ? new ArrayList<>() : waiting, true);
    }
    if (restoresLeft == 0) {
      goOnline();
      return;
    }
    timer.schedule(() -> onRestoreTimeout(current), options.requestTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void onRestoreTimeout(Attempt current) {
    synchronized (lock) {
      if (current != attempt || phase != Phase.RESTORING) {
        return;
      }
      callbacks.error(new IgnitionException(restoresLeft + " restored subscriptions not confirmed"
          + " within " + options.requestTimeout() + "; sending buffered emits anyway"));
      goOnline();
    }
  }

  /** Restoration is over: send the buffered emits in order, then emit directly. */
  @GuardedBy("lock")
  private void goOnline() {
    phase = Phase.OPEN;
    List<BufferedEmit> waiting = new ArrayList<>(buffer);
    buffer.clear();
    for (int i = 0; i < waiting.size(); i++) {
      BufferedEmit emit = waiting.get(i);
      if (!emit.request().isSettled() && !sendEmit(emit)) {
        // The connection is closing: keep this and the rest, in order, for the next one.
        buffer.addAll(waiting.subList(i, waiting.size()));
        return;
      }
    }
  }

  private void handleReply(Attempt from, JsonObject frame) {
    boolean isError = "error".equals(frame.get("op").getAsString());
    JsonElement idField = frame.get("id");
    Long id = idField != null && idField.isJsonPrimitive()
        && idField.getAsJsonPrimitive().isNumber() ? idField.getAsLong() : null;
    synchronized (lock) {
      if (from != attempt) {
        return;
      }
      Pending answered = id == null ? null : pending.remove(id);
      if (answered != null) {
        settle(answered, frame, isError);
      } else if (isError) {
        String context = id == null ? "server reported" : "error for unknown request id=" + id;
        callbacks.error(serverError(frame, context));
      } else {
        log.debug("ignoring ok for unknown or expired request id={}", id);
      }
    }
  }

  @GuardedBy("lock")
  private void settle(Pending answered, JsonObject frame, boolean isError) {
    switch (answered.kind()) {
      case SUBSCRIBE -> settleSubscribe(answered, frame, isError);
      case INFO -> settleInfo(requireNonNull(answered.info()), frame, isError);
      default -> answered.waiters().forEach(r -> {
        if (isError) {
          r.fail(serverError(frame, answered.what()));
        } else {
          r.succeed(null);
        }
      });
    }
  }

  @GuardedBy("lock")
  private void settleSubscribe(Pending answered, JsonObject frame, boolean isError) {
    if (isError) {
      // Refused: no longer held, so a reconnect does not try again.
      channels.remove(answered.channel());
      answered.waiters().forEach(r -> r.fail(serverError(frame, answered.what())));
      if (answered.restore() && answered.waiters().isEmpty()) {
        callbacks.error(serverError(frame, "restoring subscription to channel="
            + answered.channel() + " failed; the channel is no longer held"));
      }
    } else {
      answered.waiters().forEach(r -> r.succeed(null));
    }
    if (answered.restore()) {
      restoreDone();
    }
  }

  @GuardedBy("lock")
  private void settleInfo(Request<Info> request, JsonObject frame, boolean isError) {
    if (isError) {
      request.fail(serverError(frame, "info"));
      return;
    }
    try {
      request.succeed(Info.fromJson(Json.object(frame, "data")));
    } catch (JsonParseException e) {
      request.fail(new IgnitionException("malformed info reply: " + e.getMessage(), e));
    }
  }

  @GuardedBy("lock")
  private void restoreDone() {
    if (restoresLeft > 0 && --restoresLeft == 0 && phase == Phase.RESTORING) {
      goOnline();
    }
  }

  // ---- Drops ----

  private void handleClosed(Attempt from, int code, String reason) {
    synchronized (lock) {
      if (from != attempt) {
        return;
      }
      attempt = null;
      boolean wasUp = phase == Phase.OPEN || phase == Phase.RESTORING;
      log.debug("disconnected uri={} code={} reason={}", uri, code, reason);
      dropPending(code, reason);
      if (!welcomed.isDone()) {
        failFirstConnect(code, reason);
      } else if (options.reconnect() && CloseCodes.retryable(code)) {
        scheduleReconnect(code, reason, wasUp);
      } else {
        stop(code, reason);
      }
    }
  }

  /** Settles what the dropped connection owed: emits fail, subscribes wait for the next one. */
  @GuardedBy("lock")
  private void dropPending(int code, String reason) {
    for (Pending lost : pending.values()) {
      switch (lost.kind()) {
        case SUBSCRIBE -> {
          if (channels.contains(lost.channel())) {
            waitingSubscribes.computeIfAbsent(lost.channel(), c -> new ArrayList<>())
                .addAll(lost.waiters());
          } else {
            lost.waiters().forEach(r -> r.fail(connectionLost(lost.what(), code, reason)));
          }
        }
        // The server dropped this connection's subscriptions with it.
        case UNSUBSCRIBE -> lost.waiters().forEach(r -> r.succeed(null));
        case INFO -> requireNonNull(lost.info()).fail(connectionLost("info", code, reason));
        default -> lost.waiters().forEach(r -> r.fail(connectionLost(lost.what(), code, reason)));
      }
    }
    pending.clear();
    restoresLeft = 0;
  }

  @GuardedBy("lock")
  private void failFirstConnect(int code, String reason) {
    phase = Phase.STOPPED;
    stoppedBecause = CloseCodes.describe(code, reason);
    callbacks.state(new ConnectionState.Disconnected(code, reason, false));
    welcomed.completeExceptionally(new ConnectFailedException(code, reason,
        "cannot connect to " + uri + ": " + stoppedBecause));
  }

  @GuardedBy("lock")
  private void scheduleReconnect(int code, String reason, boolean wasUp) {
    phase = Phase.WAITING;
    failedAttempts++;
    Duration delay = backoff.delay(failedAttempts);
    if (wasUp) {
      callbacks.state(new ConnectionState.Disconnected(code, reason, true));
    }
    callbacks.state(new ConnectionState.Reconnecting(failedAttempts, delay));
    timer.schedule(this::reconnect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @GuardedBy("lock")
  private void stop(int code, String reason) {
    phase = Phase.STOPPED;
    stoppedBecause = CloseCodes.describe(code, reason);
    for (BufferedEmit emit : buffer) {
      emit.request().fail(new IgnitionException(emit.what() + " not sent: " + stopMessage()));
    }
    buffer.clear();
    waitingSubscribes.forEach((channel, waiting) -> waiting.forEach(r -> r.fail(
        new IgnitionException("subscribe channel=" + channel + " failed: " + stopMessage()))));
    waitingSubscribes.clear();
    callbacks.state(new ConnectionState.Disconnected(code, reason, false));
  }

  @GuardedBy("lock")
  private String stopMessage() {
    return "the connection closed and the client does not reconnect after " + stoppedBecause;
  }

  /** Closes everything; notify is false when connect failed and the caller never saw us. */
  private void shutdown(boolean notify) {
    List<Request<?>> orphans = new ArrayList<>();
    Transport transport = null;
    synchronized (lock) {
      if (phase == Phase.CLOSED) {
        return;
      }
      phase = Phase.CLOSED;
      if (attempt != null) {
        transport = attempt.transport;
        attempt = null;
      }
      collectOrphans(orphans);
    }
    if (transport != null) {
      transport.close(1000, "client closed");
    }
    orphans.forEach(r -> r.fail(new IgnitionException(
        "the client was closed before the operation completed")));
    if (notify) {
      callbacks.state(new ConnectionState.Closed());
    }
    timer.shutdownNow();
    callbacks.shutdown();
  }

  @GuardedBy("lock")
  private void collectOrphans(List<Request<?>> orphans) {
    for (Pending owed : pending.values()) {
      orphans.addAll(owed.waiters());
      if (owed.info() != null) {
        orphans.add(owed.info());
      }
    }
    buffer.forEach(emit -> orphans.add(emit.request()));
    waitingSubscribes.values().forEach(orphans::addAll);
    pending.clear();
    buffer.clear();
    waitingSubscribes.clear();
  }

  // ---- Sending, under the lock so frames leave in the order the state changed ----

  @GuardedBy("lock")
  private void sendSubscribe(String channel, List<Request<Void>> waiters, boolean restore) {
    long id = ids.incrementAndGet();
    pending.put(id, new Pending(Kind.SUBSCRIBE, "subscribe channel=" + channel, channel, waiters,
        null, restore));
    if (restore) {
      restoresLeft++;
    }
    // A failed send means the connection is closing; the drop then re-queues the waiters.
    transport().send(Frames.subscribe(id, channel));
  }

  @GuardedBy("lock")
  private void sendUnsubscribe(String channel, Request<Void> request) {
    long id = ids.incrementAndGet();
    pending.put(id, new Pending(Kind.UNSUBSCRIBE, "unsubscribe channel=" + channel, channel,
        List.of(request), null, false));
    request.deadline(timer, options.requestTimeout(), () -> new IgnitionException(
        "no reply to unsubscribe channel=" + channel + " within " + options.requestTimeout()),
        () -> removePending(id));
    if (!transport().send(Frames.unsubscribe(id, channel))) {
      pending.remove(id);
      request.succeed(null);
    }
  }

  /** Sends one emit; false when the connection is closing and nothing was sent. */
  @GuardedBy("lock")
  private boolean sendEmit(BufferedEmit emit) {
    long id = ids.incrementAndGet();
    pending.put(id, new Pending(Kind.EMIT, emit.what(), emit.channel(),
        List.of(emit.request()), null, false));
    emit.request().deadline(timer, options.requestTimeout(), () -> new IgnitionException(
        "no reply to " + emit.what() + " within " + options.requestTimeout()
            + "; it may or may not have been delivered"), () -> removePending(id));
    if (transport().send(Frames.emit(id, emit.channel(), emit.event(), emit.data()))) {
      return true;
    }
    pending.remove(id);
    return false;
  }

  @GuardedBy("lock")
  private void bufferEmit(BufferedEmit emit) {
    if (buffer.size() >= options.bufferCapacity()) {
      emit.request().fail(new IgnitionException(emit.what() + " not sent: disconnected and the"
          + " emit buffer is full (" + options.bufferCapacity() + " emits waiting)"));
      return;
    }
    buffer.add(emit);
    emit.request().deadline(timer, options.bufferTimeout(), () -> new IgnitionException(
        emit.what() + " not sent: still disconnected after " + options.bufferTimeout()),
        () -> removeBuffered(emit));
  }

  @GuardedBy("lock")
  private Transport transport() {
    Attempt current = requireNonNull(attempt, "no connection attempt");
    return requireNonNull(current.transport, "attempt without transport");
  }

  // ---- Helpers ----

  private void removePending(long id) {
    synchronized (lock) {
      pending.remove(id);
    }
  }

  private void removeBuffered(BufferedEmit emit) {
    synchronized (lock) {
      buffer.remove(emit);
    }
  }

  private void removeWaiting(String channel, Request<Void> request) {
    synchronized (lock) {
      List<Request<Void>> waiting = waitingSubscribes.get(channel);
      if (waiting != null) {
        waiting.remove(request);
      }
    }
  }

  /** Fails {@code request} when the client no longer accepts operations. */
  @GuardedBy("lock")
  private boolean refused(Request<?> request) {
    if (phase == Phase.CLOSED) {
      request.fail(new IgnitionException("refused: the client is closed"));
      return true;
    }
    if (phase == Phase.STOPPED) {
      request.fail(new IgnitionException("refused: " + stopMessage()));
      return true;
    }
    return false;
  }

  private IgnitionException subscribeTimeout(String channel, Duration waited) {
    return new IgnitionException("subscribe channel=" + channel + " not confirmed within "
        + waited + "; the channel stays held and is subscribed again after a reconnect");
  }

  private static IgnitionException connectionLost(String what, int code, String reason) {
    return new IgnitionException(what + " failed: the connection was lost before the server"
        + " replied (" + CloseCodes.describe(code, reason) + "); it may or may not have taken"
        + " effect");
  }

  private static ServerErrorException serverError(JsonObject frame, String context) {
    JsonElement code = frame.get("code");
    JsonElement message = frame.get("message");
    return new ServerErrorException(
        code != null && code.isJsonPrimitive() ? code.getAsString() : "unknown",
        message != null && message.isJsonPrimitive() ? message.getAsString() : "", context);
  }

  private static void requireName(String value, String name) {
    if (requireNonNull(value, name).isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
