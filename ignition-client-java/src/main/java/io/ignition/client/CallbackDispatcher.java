package io.ignition.client;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs everything the application supplied: event handlers, state and error listeners, and the
 * completion of returned futures, always on the callback executor and never on the socket's I/O
 * thread.
 *
 * <p>Handlers and listeners share one {@link SerialExecutor}, so they run one at a time in the
 * order events arrived. Future completions skip that queue, so a handler that blocks on a
 * future of the client does not wait behind itself. Events are decrypted in the queue too,
 * keeping cryptography off the I/O thread. At most {@link #MAX_QUEUED_EVENTS} events wait; past
 * that the I/O thread stops reading until handlers catch up, which pushes back on the server
 * (it may then close the connection as a slow consumer, 4008, and the client reconnects)
 * instead of growing memory without bound. Thread-safe.
 */
final class CallbackDispatcher {

  /** How many received events may wait for handlers before reading pauses. */
  static final int MAX_QUEUED_EVENTS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);

  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final SerialExecutor serial;
  private final PayloadCodec codec;
  private final Semaphore eventPermits = new Semaphore(MAX_QUEUED_EVENTS);
  private final ConcurrentHashMap<String, List<Consumer<Message>>> handlers =
      new ConcurrentHashMap<>();
  private final List<Consumer<Message>> anyHandlers = new CopyOnWriteArrayList<>();
  private final List<Consumer<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
  private volatile boolean shutdown;

  CallbackDispatcher(@Nullable Executor executor, PayloadCodec codec) {
    this.ownedExecutor = executor == null ? Executors.newCachedThreadPool(daemonThreads()) : null;
    this.executor = executor != null ? executor : ownedExecutor;
    this.serial = new SerialExecutor(this.executor);
    this.codec = codec;
  }

  void on(String event, Consumer<Message> handler) {
    handlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
  }

  void off(String event) {
    handlers.remove(event);
  }

  void off(String event, Consumer<Message> handler) {
    List<Consumer<Message>> list = handlers.get(event);
    if (list != null) {
      list.removeIf(h -> h.equals(handler));
    }
  }

  void onAny(Consumer<Message> handler) {
    anyHandlers.add(handler);
  }

  void offAny(Consumer<Message> handler) {
    anyHandlers.removeIf(h -> h.equals(handler));
  }

  void addStateListener(Consumer<ConnectionState> listener) {
    stateListeners.add(listener);
  }

  void addErrorListener(Consumer<Throwable> listener) {
    errorListeners.add(listener);
  }

  <T> void complete(CompletableFuture<T> future, @Nullable T value) {
    runOffCaller(() -> future.complete(value));
  }

  void fail(CompletableFuture<?> future, Throwable error) {
    runOffCaller(() -> future.completeExceptionally(error));
  }

  /** Reports a state change to the state listeners, in order with events and errors. */
  void state(ConnectionState state) {
    serial.execute(() -> {
      for (Consumer<ConnectionState> listener : stateListeners) {
        try {
          listener.accept(state);
        } catch (RuntimeException e) {
          log.warn("a connection state listener threw state={}", state, e);
        }
      }
    });
  }

  /** Reports an error to the error listeners, or logs it when there are none. */
  void error(Throwable error) {
    serial.execute(() -> deliverError(error));
  }

  /**
   * Queues an event for its handlers; called on the I/O thread. Blocks while
   * {@link #MAX_QUEUED_EVENTS} events wait, and returns without queueing after shutdown.
   */
  void event(String channel, String event, JsonElement data) {
    try {
      while (!eventPermits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        if (shutdown) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.debug("interrupted while handlers were behind; event not queued event={}", event);
      return;
    }
    serial.execute(() -> {
      try {
        deliverEvent(channel, event, data);
      } finally {
        eventPermits.release();
      }
    });
  }

  /** Stops the owned executor once queued callbacks have run; later ones run on the caller. */
  void shutdown() {
    shutdown = true;
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  private void deliverEvent(String channel, String event, JsonElement data) {
    List<Consumer<Message>> named = handlers.getOrDefault(event, List.of());
    if (named.isEmpty() && anyHandlers.isEmpty()) {
      return;
    }
    Message message;
    try {
      message = codec.decode(channel, event, data);
    } catch (DecryptionException e) {
      deliverError(e);
      return;
    }
    named.forEach(handler -> runHandler(handler, message));
    anyHandlers.forEach(handler -> runHandler(handler, message));
  }

  private void runHandler(Consumer<Message> handler, Message message) {
    try {
      handler.accept(message);
    } catch (RuntimeException e) {
      deliverError(new IgnitionException("handler for event=" + message.event() + " on channel="
          + message.channel() + " threw", e));
    }
  }

  private void deliverError(Throwable error) {
    if (errorListeners.isEmpty()) {
      log.warn("client error with no error listener registered", error);
      return;
    }
    for (Consumer<Throwable> listener : errorListeners) {
      try {
        listener.accept(error);
      } catch (RuntimeException e) {
        log.warn("an error listener threw", e);
      }
    }
  }

  private void runOffCaller(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (!shutdown) {
        log.warn("callback executor rejected a future completion; completing on the caller", e);
      }
      task.run();
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "ignition-callback-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
