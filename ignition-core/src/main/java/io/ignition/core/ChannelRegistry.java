package io.ignition.core;

import io.ignition.core.internal.InMemoryChannelRegistry;
import java.util.concurrent.CompletionStage;

/**
 * Who is subscribed to which channel of which app, and the fan-out of events to them.
 *
 * <p>Implementations must be thread-safe. {@link #publish} is the hot path: it must not block, and
 * events of one publisher on one channel must reach each subscriber in the order published.
 */
public interface ChannelRegistry {
  /**
   * Subscribes {@code subscriber} to the channel; subscribing twice is the same as once. The stage
   * completes when the subscription is in place: an event published after it completes is
   * delivered.
   */
  CompletionStage<Void> subscribe(String app, String channel, Subscriber subscriber);

  /** Removes the subscription if there is one; a channel left with no subscriber is forgotten. */
  void unsubscribe(String app, String channel, Subscriber subscriber);

  /** Delivers the event to every subscriber of its channel and returns how many there were. */
  int publish(Event event);

  /** Returns how many subscribers the channel has. */
  int subscriberCount(String app, String channel);

  /** Returns how many channels have at least one subscriber, across all apps. */
  int channelCount();

  /**
   * Returns how many subscriptions there are, across all channels of all apps: a subscriber on
   * three channels counts three times. Must be cheap (it is read by every metrics scrape) and
   * exact once subscribes and unsubscribes have settled; while they run it may lag behind them.
   */
  long subscriptionCount();

  /** Returns a new registry for one process, lock-free on the publish path. */
  static ChannelRegistry inMemory() {
    return new InMemoryChannelRegistry();
  }
}
