package io.ignition.server.cluster;

import io.ignition.core.Event;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Carries events between nodes over Redis pub/sub: one Redis channel per app channel that has
 * subscribers on this node, subscribed and unsubscribed as local interest comes and goes.
 *
 * <p>Thread-safe. Two threads of its own: one blocks in SUBSCRIBE and delivers what arrives, one
 * sends this node's events in pipelined batches over one connection, which keeps them in order.
 */
final class RedisBridge implements Bridge {
  /*
   * Design
   *
   * Subscriptions. `wanted` holds the Redis channels this node needs; the subscriber thread
   * (re)connects, subscribes to its control channel plus everything wanted, and then applies
   * changes as SUBSCRIBE/UNSUBSCRIBE commands on that same connection. Redis answers commands on
   * one connection in order, so each confirmation completes the oldest waiting future of its
   * channel: a subscribe is acknowledged to the client only once Redis will route a later
   * PUBLISH from any node to us. While Redis is unreachable subscriptions complete at once
   * (local delivery works) and are made in Redis on reconnect.
   *
   * Publishing. Each event goes to local subscribers directly (the registry does that) and to
   * Redis tagged with this node's id; the subscriber thread drops messages carrying our own id,
   * so local subscribers never get an event twice. One publisher thread and one connection keep
   * a node's events in publish order across the cluster.
   */

  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final RedisSettings settings;
  private final RedisHealth health;
  private final Consumer<Event> remote;
  private final String nodeId = UUID.randomUUID().toString();
  private final JedisClientConfig clientConfig;
  private final RedisClient commands;
  private final OrderedPublisher publisher;
  private final Object lock = new Object();
  private final Map<String, Queue<CompletableFuture<Void>>> wanted = new HashMap<>();
  private final Thread subscriberThread;
  private volatile boolean running = true;
  private volatile @Nullable Listener listener;

  /**
   * Creates the bridge; {@link #start} connects.
   *
   * @param remote receives events published on other nodes
   */
  public RedisBridge(RedisSettings settings, RedisHealth health, Consumer<Event> remote) {
    this.settings = settings;
    this.health = health;
    this.remote = remote;
    this.clientConfig = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).build();
    this.commands =
        RedisClient.builder().hostAndPort(address()).clientConfig(clientConfig).build();
    this.subscriberThread = new Thread(this::subscribeLoop, "ignition-redis-subscriber");
    this.publisher = new OrderedPublisher(settings.prefix(), nodeId, health, this::send);
    subscriberThread.setDaemon(true);
  }

  @Override
  public boolean start(Duration wait) {
    subscriberThread.start();
    publisher.start();
    long deadline = System.nanoTime() + wait.toNanos();
    while (!health.up() && System.nanoTime() < deadline) {
      sleep(10);
    }
    return health.up();
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public RedisClient commands() {
    return commands;
  }

  @Override
  public RedisSettings settings() {
    return settings;
  }

  @Override
  public CompletableFuture<Void> subscribe(String app, String channel) {
    String key = channelKey(app, channel);
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    synchronized (lock) {
      Queue<CompletableFuture<Void>> waiting = wanted.computeIfAbsent(key, k -> new ArrayDeque<>());
      Listener current = listener;
      if (current == null) {
        confirmed.complete(null);
        return confirmed;
      }
      waiting.add(confirmed);
      try {
        current.subscribe(key);
      } catch (JedisException e) {
        waiting.remove(confirmed);
        confirmed.complete(null);
      }
    }
    return confirmed;
  }

  @Override
  public void unsubscribe(String app, String channel) {
    String key = channelKey(app, channel);
    synchronized (lock) {
      Queue<CompletableFuture<Void>> waiting = wanted.remove(key);
      if (waiting != null) {
        waiting.forEach(future -> future.complete(null));
      }
      Listener current = listener;
      if (current != null) {
        try {
          current.unsubscribe(key);
        } catch (JedisException e) {
          // The connection is failing; the reconnect subscribes only to what is still wanted.
        }
      }
    }
  }

  @Override
  public void publish(Event event) {
    publisher.offer(event);
  }

  private String channelKey(String app, String channel) {
    return EventCodec.channelKey(settings.prefix(), app, channel);
  }

  private void receive(String message) {
    Event event = EventCodec.decode(nodeId, message);
    if (event != null) {
      remote.accept(event);
    }
  }

  private void subscribeLoop() {
    long backoff = 100;
    while (running) {
      try (Jedis jedis = new Jedis(address(), clientConfig)) {
        jedis.subscribe(new Listener(), settings.prefix() + "node:" + nodeId);
      } catch (JedisException | IllegalStateException e) {
        if (!running) {
          return;
        }
        goDown(e);
      }
      if (!running) {
        return;
      }
      sleep(backoff);
      backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }
  }

  private void goDown(Exception cause) {
    synchronized (lock) {
      listener = null;
      wanted.values().forEach(waiting -> {
        waiting.forEach(future -> future.complete(null));
        waiting.clear();
      });
    }
    health.unreachable(cause);
  }

  private void send(List<String[]> batch) {
    // A pooled connection can be stale after Redis restarted; a second try gets a fresh one.
    for (int attempt = 1; ; attempt++) {
      try (Pipeline pipeline = commands.pipelined()) {
        for (String[] message : batch) {
          pipeline.publish(message[0], message[1]);
        }
        pipeline.sync();
        return;
      } catch (JedisException e) {
        if (attempt == 2) {
          health.droppedEvents(batch.size());
          health.commandFailed(e);
          return;
        }
      }
    }
  }

  private HostAndPort address() {
    return new HostAndPort(settings.uri().getHost(), settings.port());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    Listener current = listener;
    if (current != null) {
      try {
        current.unsubscribe();
      } catch (JedisException e) {
        // Closing anyway.
      }
    }
    subscriberThread.interrupt();
    publisher.close();
    commands.close();
    try {
      subscriberThread.join(Duration.ofSeconds(3).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The pub/sub connection's callbacks, on the subscriber thread. */
  private final class Listener extends JedisPubSub {
    private final String control = settings.prefix() + "node:" + nodeId;

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      if (control.equals(channel)) {
        // Connected: from now on subscribe() talks to this connection; catch up on what is
        // wanted, including what was asked for while no connection existed.
        synchronized (lock) {
          listener = this;
          if (!wanted.isEmpty()) {
            subscribe(wanted.keySet().toArray(String[]::new));
          }
        }
        health.reachable();
        return;
      }
      synchronized (lock) {
        Queue<CompletableFuture<Void>> waiting = wanted.get(channel);
        CompletableFuture<Void> oldest = waiting == null ? null : waiting.poll();
        if (oldest != null) {
          oldest.complete(null);
        }
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      receive(message);
    }
  }
}
