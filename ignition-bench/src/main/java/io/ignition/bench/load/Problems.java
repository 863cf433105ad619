package io.ignition.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What went wrong during a run, counted by kind: error frames by code, closes by code, connect
 * failures by reason. Thread-safe; meant for rare events, not for every message.
 */
final class Problems {
  private static final int MAX_REASON_CHARS = 120;

  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> closes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> connectFailures = new ConcurrentHashMap<>();

  /** Counts an error frame with its code. */
  void error(String code) {
    count(errors, code);
  }

  /** Counts a connection that ended during the run, by close code and reason. */
  void closed(int code, String reason) {
    count(closes, code + " " + shorten(reason));
  }

  /** Counts a connection that never became ready. */
  void connectFailed(String reason) {
    count(connectFailures, shorten(reason));
  }

  Map<String, Long> errors() {
    return snapshot(errors);
  }

  Map<String, Long> closes() {
    return snapshot(closes);
  }

  Map<String, Long> connectFailures() {
    return snapshot(connectFailures);
  }

  long total() {
    return sum(errors) + sum(closes) + sum(connectFailures);
  }

  private static void count(ConcurrentHashMap<String, LongAdder> counts, String key) {
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private static long sum(ConcurrentHashMap<String, LongAdder> counts) {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private static Map<String, Long> snapshot(ConcurrentHashMap<String, LongAdder> counts) {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((key, count) -> copy.put(key, count.sum()));
    return copy;
  }

  private static String shorten(String reason) {
    return reason.length() <= MAX_REASON_CHARS ? reason
        : reason.substring(0, MAX_REASON_CHARS) + "...";
  }
}
