package io.ignition.server.internal;

import io.ignition.core.EventHub;
import io.ignition.core.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;

/**
 * The {@link Transport} on Java-WebSocket: the library accepts, reads and decodes; our
 * {@link FlushLoop}s write (see {@link WsSocket} for why).
 *
 * <p>Limits: connections per node and per source address are counted from accept
 * ({@link ConnectionTracker}); a connection silent for {@code pingInterval} is pinged, and one
 * silent for {@code pingInterval + pingTimeout} is cut off, by a sweep on the timer.
 *
 * <p>Closing drains: new connections are refused with 503, every open connection is closed with
 * 1001 after what is already queued for it, and the transport waits up to {@code shutdownGrace}
 * for clients to finish; whoever has not by then is cut off.
 *
 * <p>Threads: the library's selector and decoder threads, {@code settings.flushThreads()} flush
 * loops, one write watcher and one timer. Thread-safe.
 */
public final class WebSocketTransport implements Transport {
  private static final long START_TIMEOUT_SECONDS = 10;
  private static final String SHUTDOWN_REASON = "server shutting down; reconnect";
  private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final int SELECTOR_STOP_MILLIS = 1_000;

  private final TransportSettings settings;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<FlushLoop> loops = new ArrayList<>();
  private final LongAdder bytesWritten = new LongAdder();
  private final WritableWatcher watcher = new WritableWatcher("ignition-write-watcher");
  private final ScheduledThreadPoolExecutor timer = newTimer();
  private volatile @Nullable JwsServer server;
  private volatile @Nullable ConnectionTracker tracker;

  /**
   * Returns the timer of deadlines and heartbeats. Most deadlines are cancelled (a connection
   * upgrades, or closes before its close grace ends), and a cancelled task must leave the queue at
   * once: it holds its connection.
   */
  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "ignition-transport-timer");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Creates a transport that binds when started. */
  public WebSocketTransport(TransportSettings settings) {
    this.settings = settings;
  }

  @Override
  public void start(EventHub hub) throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("transport already started");
    }
    watcher.start();
    for (int i = 0; i < settings.flushThreads(); i++) {
      FlushLoop loop = new FlushLoop("ignition-flush-" + i, watcher, bytesWritten);
      loops.add(loop);
      loop.start();
    }
    ConnectionTracker connections = new ConnectionTracker(settings.limits(), hub.observer());
    tracker = connections;
    List<Draft> drafts = List.of(new HttpAwareDraft(hub.maxFrameBytes()));
    JwsServer created = new JwsServer(settings, drafts, hub);
    created.setWebSocketFactory(new SocketFactory(hub, created, loops, settings, timer,
        connections));
    server = created;
    created.start();
    awaitBound(created.bound());
    startSweep(connections);
  }

  /** Checks every connection for silence, a few times per ping interval or timeout. */
  private void startSweep(ConnectionTracker connections) {
    long intervalNanos = settings.pingInterval().toNanos();
    long timeoutNanos = settings.pingTimeout().toNanos();
    if (intervalNanos == 0) {
      return;
    }
    long periodNanos = Math.max(MIN_SWEEP_NANOS, Math.min(intervalNanos, timeoutNanos) / 4);
    timer.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      for (WsSocket socket : connections.sockets()) {
        socket.checkAlive(now, intervalNanos, timeoutNanos);
      }
    }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  private void awaitBound(CompletableFuture<Void> bound) throws IOException {
    try {
      bound.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      close();
      throw new IOException("cannot listen on " + settings.address() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IOException("WebSocket server did not start within "
          + START_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IOException("interrupted while starting", e);
    }
  }

  @Override
  public InetSocketAddress address() {
    JwsServer current = server;
    if (current == null) {
      throw new IllegalStateException("transport not started");
    }
    return new InetSocketAddress(settings.address().getAddress(), current.getPort());
  }

  /** Returns how many bytes the flush loops have written to sockets since the transport began. */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /** Returns the TCP connections open now, upgraded or not, refused ones included. */
  public int connections() {
    ConnectionTracker current = tracker;
    return current == null ? 0 : current.sockets().size();
  }

  /** Returns the bytes queued and not yet written, over every connection. */
  public long queuedBytes() {
    ConnectionTracker current = tracker;
    return current == null ? 0 : current.queuedBytes();
  }

  /** Returns how many connections were closed with 4008 for falling too far behind. */
  public long slowConsumers() {
    ConnectionTracker current = tracker;
    return current == null ? 0 : current.slowConsumers();
  }

  /** Returns how many connections were cut off for staying silent past the ping timeout. */
  public long pingTimeouts() {
    ConnectionTracker current = tracker;
    return current == null ? 0 : current.pingTimeouts();
  }

  /** Refuses new connections with 503 from now on; open ones are not affected. */
  public void drain() {
    ConnectionTracker current = tracker;
    if (current != null) {
      current.drain();
    }
  }

  /**
   * Drains and closes: refuses new connections, closes every open one with 1001 after what is
   * queued for it, waits up to {@code shutdownGrace} for them to finish, cuts off the rest and
   * releases the port. Idempotent; blocks for at most the grace and a second.
   */
  @Override
  public void close() {
    close(settings.shutdownGrace());
  }

  /** Closes as {@link #close()} does, waiting up to {@code grace} instead of the configured one. */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    JwsServer current = server;
    ConnectionTracker connections = tracker;
    if (current != null && connections != null) {
      connections.drain();
      long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
      connections.sockets().forEach(WebSocketTransport::goAway);
      awaitClosed(connections, deadline);
      cutOff(connections);
      stopSelector(current);
      cutOff(connections);
    }
    loops.forEach(FlushLoop::stop);
    watcher.stop();
    timer.shutdownNow();
  }

  /** Closes an open connection with 1001, and drops one that has not upgraded yet. */
  private static void goAway(WsSocket socket) {
    if (socket.isOpen()) {
      socket.connection().close(CloseFrame.GOING_AWAY, SHUTDOWN_REASON);
    } else if (socket.getReadyState() == ReadyState.NOT_YET_CONNECTED) {
      socket.closeConnection(CloseFrame.GOING_AWAY, SHUTDOWN_REASON);
    }
  }

  private static void awaitClosed(ConnectionTracker connections, long deadlineNanos) {
    try {
      connections.awaitNoneAdmitted(deadlineNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Cuts whoever did not finish in time; a no-op for connections already closed. */
  private static void cutOff(ConnectionTracker connections) {
    for (WsSocket socket : connections.sockets()) {
      socket.closeConnection(CloseFrame.GOING_AWAY, SHUTDOWN_REASON);
    }
  }

  private static void stopSelector(JwsServer current) {
    try {
      current.stop(SELECTOR_STOP_MILLIS, SHUTDOWN_REASON);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
