package io.ignition.server.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How the WebSocket transport listens, writes, watches and closes.
 *
 * @param address where to listen; port 0 picks a free port
 * @param decoderThreads threads that decode incoming frames
 * @param flushThreads threads that write outgoing frames
 * @param maxQueuedBytes unsent bytes a connection may have before it is closed with 4008
 * @param pingInterval how long a connection may stay silent before it is pinged; zero turns
 *     pings and the dead-peer check off
 * @param pingTimeout how much longer a pinged connection may stay silent before it is cut off
 * @param closeGrace how long a connection the server closes may take to read the close frame and
 *     end the connection before its TCP connection is cut; a slow consumer's 4008 included
 * @param shutdownGrace how long closing the transport waits for clients to receive what is queued
 *     for them and finish the close handshake
 * @param engineIo the Socket.IO endpoint's heartbeats and timeouts
 * @param limits connections per node and per address, and upgrade request bounds
 */
public record TransportSettings(InetSocketAddress address, int decoderThreads, int flushThreads,
    long maxQueuedBytes, Duration pingInterval, Duration pingTimeout, Duration closeGrace,
    Duration shutdownGrace, EngineIoSettings engineIo, ConnectionLimits limits) {
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
    requireNotNegative(pingInterval, "pingInterval");
    requirePositive(pingTimeout, "pingTimeout");
    requirePositive(closeGrace, "closeGrace");
    requireNotNegative(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(engineIo, "engineIo");
    Objects.requireNonNull(limits, "limits");
  }

  /** Throws unless {@code value} is zero or more. */
  public static Duration requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  /** Throws unless {@code value} is more than zero. */
  public static Duration requirePositive(Duration value, String name) {
    requireNotNegative(value, name);
    if (value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }
}
