package io.ignition.core;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A network front end: accepts client connections and hands each one to an {@link EventHub},
 * which returns the {@link Session} that handles it.
 *
 * <p>A transport is started once and closed once; implementations document their threads.
 */
public interface Transport extends AutoCloseable {
  /**
   * Binds and starts accepting connections for the hub.
   *
   * @throws IOException when the address cannot be bound
   * @throws IllegalStateException when already started
   */
  void start(EventHub hub) throws IOException;

  /** Returns the bound address, with the real port when port 0 was asked for. */
  InetSocketAddress address();

  /** Stops accepting, closes every connection with 1001 and releases the port; idempotent. */
  @Override
  void close();
}
