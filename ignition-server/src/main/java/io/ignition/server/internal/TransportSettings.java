package io.ignition.server.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How the WebSocket transport listens and writes.
 *
 * @param address where to listen; port 0 picks a free port
 * @param decoderThreads threads that decode incoming frames
 * @param flushThreads threads that write outgoing frames
 * @param maxQueuedBytes unsent bytes a connection may have before it is closed with 4008
 * @param pingInterval how often idle connections are pinged; one that misses 1.5 intervals of
 *     pongs is closed. Zero turns pings off.
 * @param closeTimeout how long closing waits for clients to finish the close handshake
 * @param engineIo the Socket.IO endpoint's heartbeats and timeouts
 * @param handshakeTimeout how long a connection may take to finish its upgrade request
 */
public record TransportSettings(InetSocketAddress address, int decoderThreads, int flushThreads,
    long maxQueuedBytes, Duration pingInterval, Duration closeTimeout, EngineIoSettings engineIo,
    Duration handshakeTimeout) {
  /** Checks the values. */
  public TransportSettings {
    if (decoderThreads < 1 || flushThreads < 1) {
      throw new IllegalArgumentException("thread counts must be at least 1, were decoderThreads="
          + decoderThreads + " flushThreads=" + flushThreads);
    }
    if (maxQueuedBytes < 1024) {
      throw new IllegalArgumentException("maxQueuedBytes must be at least 1024, was "
          + maxQueuedBytes);
    }
    if (pingInterval.isNegative() || closeTimeout.isNegative() || handshakeTimeout.isNegative()
        || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("durations must not be negative, and the handshake"
          + " timeout must be positive");
    }
    Objects.requireNonNull(engineIo, "engineIo");
  }
}
