package io.ignition.server.cluster;

import io.ignition.core.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends this node's events to Redis from one thread, in batches, in the order they were
 * published. Thread-safe; {@link #offer} never blocks.
 */
final class OrderedPublisher implements AutoCloseable {
  private static final int MAX_QUEUED = 100_000;
  private static final int MAX_BATCH = 1_000;

  private final String prefix;
  private final String nodeId;
  private final RedisHealth health;
  private final Consumer<List<String[]>> sender;
  private final BlockingQueue<String[]> outgoing = new ArrayBlockingQueue<>(MAX_QUEUED);
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Creates the publisher.
   *
   * @param sender sends one batch of (Redis channel, message) pairs, in order; it reports its
   *     own failures to the health
   */
  OrderedPublisher(String prefix, String nodeId, RedisHealth health,
      Consumer<List<String[]>> sender) {
    this.prefix = prefix;
    this.nodeId = nodeId;
    this.health = health;
    this.sender = sender;
    this.thread = new Thread(this::run, "ignition-redis-publisher");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues the event for the other nodes; counts it as dropped when Redis is away or full. */
  void offer(Event event) {
    if (!health.up() || !outgoing.offer(new String[] {
        EventCodec.channelKey(prefix, event.app(), event.channel()),
        EventCodec.encode(nodeId, event)})) {
      health.droppedEvents(1);
    }
  }

  private void run() {
    List<String[]> batch = new ArrayList<>(MAX_BATCH);
    while (running) {
      try {
        String[] first = outgoing.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outgoing.drainTo(batch, MAX_BATCH - 1);
        sender.accept(batch);
      } catch (InterruptedException e) {
        return;
      } finally {
        batch.clear();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(3).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
