package io.ignition.core;

/**
 * Receives the events of the channels it is subscribed to in a {@link ChannelRegistry}.
 *
 * <p>{@link #deliver} is called on the publisher's thread, possibly by several publishers at once,
 * and must neither block nor throw: a subscriber that cannot keep up queues (bounded) or closes its
 * connection.
 */
@FunctionalInterface
public interface Subscriber {
  /** Hands the subscriber one event; events of one publisher arrive in the order published. */
  void deliver(Event event);
}
