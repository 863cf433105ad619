package io.ignition.client;

/**
 * One WebSocket connection attempt, as the client core sees it. Implementations deliver their
 * callbacks on their own I/O thread, never on the thread that called {@link #send} or
 * {@link #close}, and report the close exactly once.
 */
interface Transport {

  /**
   * Queues one text frame without blocking.
   *
   * @return false when the connection is not open, in which case nothing was sent
   */
  boolean send(String text);

  /** Closes the connection with {@code code}, or abandons the attempt if it is not open yet. */
  void close(int code, String reason);
}
