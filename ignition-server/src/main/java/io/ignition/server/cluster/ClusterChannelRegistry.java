package io.ignition.server.cluster;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.Event;
import io.ignition.core.Subscriber;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChannelRegistry} for one node of a cluster: local fan-out as in a single node, plus a
 * Redis subscription for each channel with local subscribers, so events published on any node
 * reach them. Thread-safe; {@link #publish} stays lock-free.
 */
public final class ClusterChannelRegistry implements ChannelRegistry {
  private final ChannelRegistry local;
  private final Bridge bridge;
  /** Channels with local subscribers, and the Redis subscription each one waits for. */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> interest =
      new ConcurrentHashMap<>();

  /**
   * Creates the registry; events from other nodes must be passed to {@link #deliverRemote}.
   */
  ClusterChannelRegistry(ChannelRegistry local, Bridge bridge) {
    this.local = local;
    this.bridge = bridge;
  }

  @Override
  public CompletionStage<Void> subscribe(String app, String channel, Subscriber subscriber) {
    // compute serializes changes of one channel, so the first local subscriber opens the Redis
    // subscription exactly once and every later one waits for that same confirmation.
    return interest.compute(key(app, channel), (key, ready) -> {
      local.subscribe(app, channel, subscriber);
      return ready != null ? ready : bridge.subscribe(app, channel);
    });
  }

  @Override
  public void unsubscribe(String app, String channel, Subscriber subscriber) {
    interest.computeIfPresent(key(app, channel), (key, ready) -> {
      local.unsubscribe(app, channel, subscriber);
      if (local.subscriberCount(app, channel) > 0) {
        return ready;
      }
      bridge.unsubscribe(app, channel);
      return null;
    });
  }

  @Override
  public int publish(Event event) {
    int delivered = local.publish(event);
    bridge.publish(event);
    return delivered;
  }

  /** Delivers an event that another node published to this node's subscribers; returns how many. */
  public int deliverRemote(Event event) {
    return local.publish(event);
  }

  @Override
  public int subscriberCount(String app, String channel) {
    return local.subscriberCount(app, channel);
  }

  @Override
  public int channelCount() {
    return local.channelCount();
  }

  @Override
  public long subscriptionCount() {
    return local.subscriptionCount();
  }

  private static String key(String app, String channel) {
    return app.length() + ":" + app + ":" + channel;
  }
}
