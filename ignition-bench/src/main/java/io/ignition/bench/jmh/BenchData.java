package io.ignition.bench.jmh;

/** The event every benchmark publishes, encodes or decodes, so that their figures compare. */
public final class BenchData {
  /** The app the benchmarks publish for. */
  public static final String APP = "bench";

  /** The channel every subscriber is on. */
  public static final String CHANNEL = "prices";

  /** The event's name. */
  public static final String EVENT = "tick";

  /** A JSON object of exactly 100 bytes, the size the targets are stated for. */
  public static final String DATA = data100();

  /** A typical emit frame carrying {@link #DATA}. */
  public static final String EMIT_FRAME = "{\"op\":\"emit\",\"id\":42,\"channel\":\"" + CHANNEL
      + "\",\"event\":\"" + EVENT + "\",\"data\":" + DATA + "}";

  private BenchData() {}

  private static String data100() {
    String head = "{\"symbol\":\"ACME\",\"bid\":101.25,\"ask\":101.5,\"seq\":123456,\"note\":\"";
    String tail = "\"}";
    return head + "x".repeat(100 - head.length() - tail.length()) + tail;
  }
}
