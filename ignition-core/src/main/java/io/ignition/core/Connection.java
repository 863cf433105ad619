package io.ignition.core;

import java.net.InetSocketAddress;

/**
 * The core's handle on one client connection, implemented by a {@link Transport}.
 *
 * <p>Every method is thread-safe and non-blocking: sends are queued per connection in order, and a
 * connection whose queue outgrows its bound is closed as a slow consumer rather than grow without
 * limit. Sending on a closed connection does nothing.
 */
public interface Connection {
  /** Returns an id unique among this process's connections, for logs and the welcome frame. */
  String id();

  /** Returns the peer's address. */
  InetSocketAddress remoteAddress();

  /** Queues one text frame. */
  void send(String text);

  /** Queues an event in this connection's protocol; the encoding is shared by every delivery. */
  void send(Event event);

  /**
   * Closes the connection with a WebSocket close code and a reason the client can read, after what
   * was queued before has been sent.
   */
  void close(int code, String reason);
}
