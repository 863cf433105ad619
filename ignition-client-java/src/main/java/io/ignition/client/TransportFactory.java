package io.ignition.client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Opens {@link Transport}s; the seam that lets tests replace the network. Thread-safe. */
interface TransportFactory {

  /**
   * Starts connecting to {@code uri} and returns at once; {@code listener} hears the outcome.
   *
   * @param headers HTTP headers for the upgrade request
   * @param connectTimeout the longest the TCP connect may take
   * @param pingInterval how often to ping the server to detect a dead connection
   */
  Transport open(URI uri, Map<String, String> headers, Duration connectTimeout,
      Duration pingInterval, TransportListener listener);
}
