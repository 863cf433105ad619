package io.ignition.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a load run does.
 *
 * @param url the server's WebSocket base, such as {@code ws://127.0.0.1:4000}
 * @param key the API key every connection presents
 * @param subscribers subscriber connections, spread evenly over the channels
 * @param channels channels; subscriber {@code i} is on channel {@code i % channels}
 * @param publishers publisher connections; each walks every channel in turn
 * @param rate total emits per second, or 0 to publish as fast as the server takes them
 * @param payloadBytes the size of each event's {@code data}, in bytes of JSON
 * @param warmup how long to publish before measuring
 * @param duration how long to measure
 * @param threads reactor threads for the subscribers; the publishers have one of their own
 * @param window flat out: emits a publisher may have unanswered, and events' worth of
 *     deliveries (window times subscribers) the run may have on their way
 * @param connectConcurrency connections that may be opening at once
 * @param drain how long to wait, after publishing stops, for deliveries to stop arriving
 */
public record LoadSettings(URI url, String key, int subscribers, int channels, int publishers,
    double rate, int payloadBytes, Duration warmup, Duration duration, int threads, int window,
    int connectConcurrency, Duration drain) {
  /** Emits per second the tool can pace: one per microsecond per publisher is far past it. */
  public static final double MAX_RATE = 10_000_000;
  /** The shortest measured window: less measures the timer more than the server. */
  public static final Duration MIN_DURATION = Duration.ofMillis(100);
  /** Receiving threads: each holds a 512 KiB read buffer; more than the cores never helps. */
  public static final int MAX_THREADS = 256;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the value that is out of range
   */
  public LoadSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(key, "key");
    require(subscribers >= 0, "subscribers must be 0 or more, was " + subscribers);
    require(channels >= 1, "channels must be at least 1, was " + channels);
    require(publishers >= 1, "publishers must be at least 1, was " + publishers);
    require(rate >= 0 && rate <= MAX_RATE, "rate must be 0 (as fast as possible) to "
        + (long) MAX_RATE + " emits per second, was " + rate);
    require(payloadBytes >= Payload.MIN_BYTES && payloadBytes <= Payload.MAX_BYTES,
        "payload must be " + Payload.MIN_BYTES + " (a timestamp and a sequence number) to "
        + Payload.MAX_BYTES + " bytes, was " + payloadBytes);
    require(!warmup.isNegative(), "warm-up must be 0 s or more, was " + seconds(warmup));
    require(duration.compareTo(MIN_DURATION) >= 0, "duration must be at least "
        + seconds(MIN_DURATION) + ", was " + seconds(duration));
    require(!drain.isNegative(), "drain must be 0 s or more, was " + seconds(drain));
    require(threads >= 1 && threads <= MAX_THREADS, "threads must be 1 to " + MAX_THREADS
        + ", was " + threads);
    require(window >= 1, "window must be at least 1, was " + window);
    require(connectConcurrency >= 1, "connect concurrency must be at least 1, was "
        + connectConcurrency);
    FdLimit.check((long) subscribers + publishers);
  }

  private static String seconds(Duration duration) {
    return duration.toNanos() / 1e9 + " s";
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
