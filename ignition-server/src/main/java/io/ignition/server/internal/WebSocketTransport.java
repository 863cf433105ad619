package io.ignition.server.internal;

import io.ignition.core.EventHub;
import io.ignition.core.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.framing.CloseFrame;

/**
 * The {@link Transport} on Java-WebSocket: the library accepts, reads and decodes; our
 * {@link FlushLoop}s write (see {@link WsSocket} for why).
 *
 * <p>Threads: the library's selector and decoder threads, {@code settings.flushThreads()} flush
 * loops, one write watcher and one timer. Thread-safe.
 */
public final class WebSocketTransport implements Transport {
  private static final long START_TIMEOUT_SECONDS = 10;
  private static final String SHUTDOWN_REASON = "server shutting down";

  private final TransportSettings settings;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<FlushLoop> loops = new ArrayList<>();
  private final LongAdder bytesWritten = new LongAdder();
  private final WritableWatcher watcher = new WritableWatcher("ignition-write-watcher");
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "ignition-transport-timer");
        thread.setDaemon(true);
        return thread;
      });
  private volatile @Nullable JwsServer server;

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
    List<Draft> drafts = List.of(new HttpAwareDraft(hub.maxFrameBytes()));
    JwsServer created = new JwsServer(settings, drafts, hub);
    created.setWebSocketFactory(new SocketFactory(hub, created, loops, settings, timer));
    server = created;
    created.start();
    awaitBound(created.bound());
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

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    JwsServer current = server;
    if (current != null) {
      List<WebSocket> open = new ArrayList<>(current.getConnections());
      try {
        current.stop((int) settings.closeTimeout().toMillis(), SHUTDOWN_REASON);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // Whoever did not finish the close handshake in time is cut off; no-op for the rest.
      open.forEach(socket -> ((WsSocket) socket).closeConnection(CloseFrame.GOING_AWAY,
          SHUTDOWN_REASON));
    }
    loops.forEach(FlushLoop::stop);
    watcher.stop();
    timer.shutdownNow();
  }
}
