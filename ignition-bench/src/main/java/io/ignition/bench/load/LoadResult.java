package io.ignition.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a load run measured, over its measured window only (events sent after the warm-up and
 * before the end). Serialises to JSON field by field ({@code --json}).
 *
 * @param config what was run
 * @param connect how the subscribers connected
 * @param deliveries events received by subscribers
 * @param publishes emits the server acknowledged
 * @param latencyMillis receive time minus the send time stamped in the event, in milliseconds
 * @param errors what went wrong
 * @param server the server process's CPU, when its pid was known
 * @param tool the tool's own CPU, to tell whether it was the bottleneck
 * @param notes warnings about the figures
 */
public record LoadResult(Config config, Connect connect, Deliveries deliveries,
    Publishes publishes, Latency latencyMillis, Errors errors, Server server, Tool tool,
    List<String> notes) {

  /**
   * The run's settings, as reported; {@code durationSeconds} is the measured window's length,
   * shorter than asked when the run stopped early.
   */
  public record Config(String url, int subscribers, int channels, int publishers, String rate,
      int payloadBytes, double warmupSeconds, double durationSeconds, int threads,
      @Nullable String plan) {}

  /** Connections: how many became ready, how fast, and connect-to-ready times. */
  public record Connect(int ready, int failed, double seconds, double perSecond,
      double p50Millis, double p99Millis, double maxMillis) {}

  /** Deliveries of events sent in the measured window. */
  public record Deliveries(long count, double perSecond, long expected, long lost,
      long outOfOrder) {}

  /**
   * Emits sent in the measured window and acknowledged; refused and stalled ones over the run,
   * and those on open connections that the server had not answered when the run ended. At a
   * rate, also how late the tool sent them (send time minus due time, which the latency
   * includes): when these are near the latency figures, the tool's pacing is what was measured.
   */
  public record Publishes(long count, double perSecond, long refused, long stalled,
      long unanswered, @Nullable Double lateP50Millis, @Nullable Double lateP99Millis,
      @Nullable Double lateMaxMillis) {}

  /** Latency percentiles in milliseconds over {@code samples} deliveries. */
  public record Latency(long samples, double p50, double p90, double p99, double p999,
      double max) {}

  /** Error frames by code, closes by code and reason, connect failures by reason. */
  public record Errors(Map<String, Long> errorFrames, Map<String, Long> closes,
      Map<String, Long> connectFailures) {}

  /**
   * The server's CPU time and write system calls over the measured window (all of them: events,
   * replies, pings); null fields when its pid is unknown or /proc unreadable.
   */
  public record Server(@Nullable Long pid, @Nullable Double cpuSeconds, @Nullable Double cores,
      @Nullable Double cpuMicrosPerDelivery, @Nullable Double writeCallsPerDelivery) {}

  /**
   * How busy the tool's own threads were over the measured window, and how late the machine woke
   * a thread that sleeps 1 ms at a time (p99 and max, in milliseconds): a stall there is the
   * machine's, and shows in the latency of any process on it.
   */
  public record Tool(List<ThreadLoad> receiveThreads, ThreadLoad publisherThread,
      double processCores, boolean saturated, double stallP99Millis, double stallMaxMillis) {}

  /** One thread's CPU time as a share of the window's wall time. */
  public record ThreadLoad(String name, double busyPercent) {}

  /**
   * Returns what keeps the run from being a clean measurement: nothing acknowledged in the
   * window, lost or reordered deliveries, refused emits, error frames, connections that failed
   * or that the server closed; empty when there was none.
   */
  public List<String> problems() {
    List<String> found = new ArrayList<>();
    if (publishes.count == 0) {
      found.add("no emit sent in the measured window was acknowledged: nothing was measured");
    }
    if (deliveries.lost != 0) {
      found.add(format("%,d deliveries lost", deliveries.lost));
    }
    if (deliveries.outOfOrder > 0) {
      found.add(format("%,d deliveries out of order", deliveries.outOfOrder));
    }
    if (publishes.refused > 0) {
      found.add(format("%,d emits refused", publishes.refused));
    }
    if (publishes.unanswered > 0) {
      found.add(format("%,d emits never answered: the server stopped answering",
          publishes.unanswered));
    }
    if (!errors.errorFrames.isEmpty()) {
      found.add("error frames " + errors.errorFrames);
    }
    if (!errors.closes.isEmpty()) {
      found.add("connections closed " + errors.closes);
    }
    if (!errors.connectFailures.isEmpty()) {
      found.add("connect failures " + errors.connectFailures);
    }
    return found;
  }

  /** Returns the result as a few lines of text for people. */
  public String text() {
    StringBuilder out = new StringBuilder();
    out.append(format("load: %d subscribers on %d channel(s), %d publisher(s) at %s emits/s, "
        + "%d-byte payloads, %.1f s measured after %.1f s warm-up%n", config.subscribers,
        config.channels, config.publishers, config.rate, config.payloadBytes,
        config.durationSeconds, config.warmupSeconds));
    out.append(format("connect: %d ready, %d failed in %.2f s (%.0f/s); per connection p50 %.1f "
        + "ms, p99 %.1f ms, max %.1f ms%n", connect.ready, connect.failed, connect.seconds,
        connect.perSecond, connect.p50Millis, connect.p99Millis, connect.maxMillis));
    out.append(format("deliveries: %,d (%,.0f/s), expected %,d, lost %,d, out of order %,d%n",
        deliveries.count, deliveries.perSecond, deliveries.expected, deliveries.lost,
        deliveries.outOfOrder));
    out.append(format("publishes: %,d (%,.0f/s), refused %,d, stalled %,d, unanswered %,d",
        publishes.count, publishes.perSecond, publishes.refused, publishes.stalled,
        publishes.unanswered));
    if (publishes.lateP99Millis != null) {
      out.append(format("; sent late by p50 %.3f  p99 %.3f  max %.3f ms", publishes.lateP50Millis,
          publishes.lateP99Millis, publishes.lateMaxMillis));
    }
    out.append(format("%n"));
    out.append(format("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (n=%,d)%n",
        latencyMillis.p50, latencyMillis.p90, latencyMillis.p99, latencyMillis.p999,
        latencyMillis.max, latencyMillis.samples));
    out.append(serverLine()).append(toolLine()).append(errorLine());
    notes.forEach(note -> out.append("note: ").append(note).append('\n'));
    return out.toString();
  }

  private String serverLine() {
    if (server.pid == null) {
      return "server: CPU not measured (give --server-pid, or --spawn-server)\n";
    }
    if (server.cpuSeconds == null) {
      return "server: pid " + server.pid + ", CPU not measured (its /proc files could not be "
          + "read)\n";
    }
    return format("server: pid %d, CPU %.2f s = %.2f cores, %s us and %s write calls per "
        + "delivery%n", server.pid, server.cpuSeconds, server.cores,
        server.cpuMicrosPerDelivery == null ? "-" : format("%.2f", server.cpuMicrosPerDelivery),
        server.writeCallsPerDelivery == null ? "-" : format("%.3f", server.writeCallsPerDelivery));
  }

  private String toolLine() {
    StringBuilder busy = new StringBuilder();
    for (ThreadLoad thread : tool.receiveThreads) {
      busy.append(format(" %.0f%%", thread.busyPercent));
    }
    return format("tool: receive threads%s busy, publisher thread %.0f%%, process %.2f cores%s%n"
        + "machine: a thread sleeping 1 ms at a time woke late by p99 %.3f ms, max %.3f ms%n",
        busy, tool.publisherThread.busyPercent, tool.processCores,
        tool.saturated ? " (SATURATED)" : "", tool.stallP99Millis, tool.stallMaxMillis);
  }

  private String errorLine() {
    if (errors.errorFrames.isEmpty() && errors.closes.isEmpty()
        && errors.connectFailures.isEmpty()) {
      return "errors: none\n";
    }
    return "errors: error frames " + errors.errorFrames + ", closes " + errors.closes
        + ", connect failures " + errors.connectFailures + "\n";
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
