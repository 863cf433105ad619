package io.ignition.bench.load;

import io.ignition.bench.client.Reactor;
import io.ignition.bench.client.WsConnection;
import io.ignition.bench.client.WsHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Opens many connections that only wait (no subscription, no traffic) and measures the server's
 * heap per connection with a full GC before and after. Not thread-safe; run it once.
 */
public final class IdleRun implements AutoCloseable {
  private final URI url;
  private final String key;
  private final int connections;
  private final int concurrency;
  private final @Nullable Long serverPid;
  private final PrintStream progress;
  private final List<Reactor> reactors = new ArrayList<>();
  private final Problems problems = new Problems();
  private final List<String> notes = new ArrayList<>();

  /**
   * Creates a probe.
   *
   * @param serverPid the server's local process id, for jcmd; null to skip the heap figures
   * @param progress where to say how connecting goes while it takes more than a second
   * @throws IllegalArgumentException when the connections would not fit under ulimit -n
   */
  public IdleRun(URI url, String key, int connections, int threads, int concurrency,
      @Nullable Long serverPid, PrintStream progress) {
    check(connections, threads, concurrency);
    this.url = url;
    this.key = key;
    this.connections = connections;
    this.concurrency = concurrency;
    this.serverPid = serverPid;
    this.progress = progress;
    for (int i = 0; i < threads; i++) {
      reactors.add(new Reactor("idle-" + i));
    }
  }

  /**
   * Checks a probe's numbers, so that a command can refuse them before it spawns a server.
   *
   * @throws IllegalArgumentException naming the value out of range, or when the connections
   *     would not fit under ulimit -n
   */
  public static void check(int connections, int threads, int concurrency) {
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1, was " + connections);
    }
    if (threads < 1 || threads > LoadSettings.MAX_THREADS) {
      throw new IllegalArgumentException("threads must be 1 to " + LoadSettings.MAX_THREADS
          + ", was " + threads);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("connect concurrency must be at least 1, was "
          + concurrency);
    }
    FdLimit.check(connections);
  }

  /**
   * Opens the connections, measures, and returns the figures; the connections stay open until
   * {@link #close}.
   *
   * @throws IOException when connecting does not finish in time
   */
  public IdleResult run() throws IOException, InterruptedException {
    reactors.forEach(Reactor::start);
    Long before = heap();
    ConnectTracker tracker = new ConnectTracker(connections, concurrency, problems,
        "idle connections", progress, ConnectTracker.STALL_SECONDS);
    InetSocketAddress address = ServerAddress.resolve(url);
    String target = "/v1?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      tracker.acquire();
      reactors.get(i % reactors.size()).connect(address, target, new Idle(tracker, problems));
    }
    tracker.await();
    if (tracker.readyCount() == 0) {
      throw new IOException("no connection could be made: " + problems.connectFailures());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Long after = before == null ? null : heap();
    return result(tracker, seconds, before, after);
  }

  private IdleResult result(ConnectTracker tracker, double seconds, @Nullable Long before,
      @Nullable Long after) {
    Histogram ready = tracker.readyNanos();
    LoadResult.Connect connect = new LoadResult.Connect(tracker.readyCount(),
        tracker.failedCount(), seconds, tracker.readyCount() / seconds,
        ready.getValueAtPercentile(50) / 1e6, ready.getValueAtPercentile(99) / 1e6,
        ready.getMaxValue() / 1e6);
    Double perConnection = before == null || after == null || tracker.readyCount() == 0 ? null
        : (after - before) / (double) tracker.readyCount();
    return new IdleResult(url.toString(), connections, connect, serverPid, before, after,
        perConnection, problems(), List.copyOf(notes));
  }

  /** Returns the connect failures and closes so far, by reason; thread-safe. */
  public Map<String, Long> problems() {
    Map<String, Long> seen = new TreeMap<>(problems.connectFailures());
    seen.putAll(problems.closes());
    return seen;
  }

  private @Nullable Long heap() throws InterruptedException {
    if (serverPid == null) {
      return null;
    }
    try {
      return Jcmd.usedHeapAfterGc(serverPid);
    } catch (IOException e) {
      notes.add("cannot read the server's heap: " + e.getMessage());
      return null;
    }
  }

  /** Drops every connection and stops the threads. */
  @Override
  public void close() {
    reactors.forEach(Reactor::close);
  }

  /** A connection that only waits for its welcome, then idles. */
  private static final class Idle implements WsHandler {
    private final ConnectTracker tracker;
    private final Problems problems;
    private final long startNanos = System.nanoTime();
    private boolean ready;

    Idle(ConnectTracker tracker, Problems problems) {
      this.tracker = tracker;
      this.problems = problems;
    }

    @Override
    public void onText(WsConnection connection, byte[] in, int offset, int length, long now) {
      if (!ready && Ascii.startsWith(in, offset, offset + length, Payload.WELCOME_PREFIX)) {
        ready = true;
        tracker.ready(now - startNanos);
      }
    }

    @Override
    public void onClose(WsConnection connection, int code, String reason) {
      if (ready) {
        problems.closed(code, reason);
      } else {
        tracker.failed(code + " " + reason);
      }
    }
  }
}
