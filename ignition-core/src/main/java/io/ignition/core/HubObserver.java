package io.ignition.core;

/**
 * Hears what happens in an {@link EventHub}, for metrics. Every method has a no-op default.
 *
 * <p>Called on I/O and publisher threads, often concurrently: implementations must be thread-safe,
 * fast and non-blocking (counters, not logs), and must not throw.
 */
public interface HubObserver {
  /** An observer that ignores everything. */
  HubObserver NONE = new HubObserver() {};

  /** A connection was admitted on {@code plan}, the app's plan at that moment. */
  default void connectionOpened(App app, Plan plan) {}

  /** A connection was refused: {@code bad_key}, {@code connection_limit} or a quota code. */
  default void connectionRefused(String reason) {}

  /** An admitted connection ended; {@code plan} is the one passed to {@link #connectionOpened}. */
  default void connectionClosed(App app, Plan plan) {}

  /** A client operation arrived: subscribe, unsubscribe, emit, info, ping or publish (HTTP). */
  default void operation(String op) {}

  /** An event was published and delivered to {@code deliveries} subscribers on this node. */
  default void published(App app, int deliveries) {}

  /**
   * An event published on another node of a cluster was delivered to {@code deliveries}
   * subscribers on this one; it was counted as published where it was published.
   */
  default void deliveredFromCluster(int deliveries) {}

  /** A request was refused by the quota policy with {@code code}. */
  default void requestRefused(App app, String code) {}
}
