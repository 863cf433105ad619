package io.ignition.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the idle probe measured: how fast the connections opened and, when the server's pid was
 * known, its heap per open connection after a full GC.
 *
 * @param url the server
 * @param requested connections asked for
 * @param connect how they connected
 * @param serverPid the server's process, or null when unknown
 * @param heapBeforeBytes used heap after a GC before connecting; null when not measured
 * @param heapAfterBytes used heap after a GC with every connection open; null when not measured
 * @param heapBytesPerConnection the difference per ready connection; null when not measured
 * @param problems closes and connect failures by reason
 * @param notes warnings about the figures
 */
public record IdleResult(String url, int requested, LoadResult.Connect connect,
    @Nullable Long serverPid, @Nullable Long heapBeforeBytes, @Nullable Long heapAfterBytes,
    @Nullable Double heapBytesPerConnection, Map<String, Long> problems, List<String> notes) {

  /** Returns the result as a few lines of text for people. */
  public String text() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "idle: %d of %d connections open in %.2f s (%.0f/s); "
        + "per connection p50 %.1f ms, p99 %.1f ms; %d failed%n", connect.ready(), requested,
        connect.seconds(), connect.perSecond(), connect.p50Millis(), connect.p99Millis(),
        connect.failed()));
    if (heapBytesPerConnection == null) {
      out.append(serverPid == null ? "server heap: not measured (give --server-pid, or "
          + "--spawn-server)\n" : "server heap: not measured (see the note)\n");
    } else {
      out.append(String.format(Locale.ROOT, "server heap after GC: %,d bytes before, %,d with "
          + "the connections open: %,.0f bytes (%.1f KiB) per connection%n", heapBeforeBytes,
          heapAfterBytes, heapBytesPerConnection, heapBytesPerConnection / 1024));
    }
    if (!problems.isEmpty()) {
      out.append("problems: ").append(problems).append('\n');
    }
    notes.forEach(note -> out.append("note: ").append(note).append('\n'));
    return out.toString();
  }
}
