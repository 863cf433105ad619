package io.ignition.server.cluster;

import io.ignition.core.Event;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.UnifiedJedis;

/**
 * How a node exchanges events with the rest of the cluster through Redis: plain pub/sub on a
 * single Redis, sharded pub/sub on a Redis Cluster. Thread-safe.
 */
interface Bridge extends AutoCloseable {
  /** Returns this node's id, unique per process start. */
  String nodeId();

  RedisSettings settings();

  /** Returns the client for commands such as the quota scripts. */
  UnifiedJedis commands();

  /** Starts connecting and waits up to {@code wait}; returns whether Redis answered. */
  boolean start(Duration wait);

  /** Subscribes this node to an app channel; completes once Redis routes its events to us. */
  CompletableFuture<Void> subscribe(String app, String channel);

  /** Unsubscribes this node from an app channel. */
  void unsubscribe(String app, String channel);

  /** Passes an event published on this node to the other nodes; never blocks. */
  void publish(Event event);

  @Override
  void close();
}
