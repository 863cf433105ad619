package io.ignition.server.cluster;

import io.ignition.core.Event;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
public final class RedisBridge implements AutoCloseable {
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

  private static final int MAX_QUEUED = 100_000;
  private static final int MAX_BATCH = 1_000;
  private static final long MAX_BACKOFF_MILLIS = 2_000;
  private static final String VERSION = "1";

  private final RedisSettings settings;
  private final RedisHealth health;
  private final Consumer<Event> remote;
  private final String nodeId = UUID.randomUUID().toString();
  private final JedisClientConfig clientConfig;
  private final RedisClient commands;
  private final BlockingQueue<String[]> outgoing = new ArrayBlockingQueue<>(MAX_QUEUED);
  private final Object lock = new Object();
  private final Map<String, Queue<CompletableFuture<Void>>> wanted = new HashMap<>();
  private final Thread subscriberThread;
  private final Thread publisherThread;
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
    this.publisherThread = new Thread(this::publishLoop, "ignition-redis-publisher");
    subscriberThread.setDaemon(true);
    publisherThread.setDaemon(true);
  }

  /**
   * Starts connecting, and waits up to {@code wait} for Redis; returns whether it answered. The
   * bridge keeps trying in the background either way.
   */
  public boolean start(Duration wait) {
    subscriberThread.start();
    publisherThread.start();
    long deadline = System.nanoTime() + wait.toNanos();
    while (!health.up() && System.nanoTime() < deadline) {
      sleep(10);
    }
    return health.up();
  }

  /** Returns this node's id, unique per process start. */
  public String nodeId() {
    return nodeId;
  }

  /** Returns the pooled connection for commands (quota scripts). */
  RedisClient commands() {
    return commands;
  }

  RedisSettings settings() {
    return settings;
  }

  /**
   * Subscribes this node to an app channel. The future completes when Redis confirms, or at once
   * when Redis is unreachable.
   */
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

  /** Unsubscribes this node from an app channel. */
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

  /** Passes an event published on this node to the other nodes; never blocks. */
  public void publish(Event event) {
    if (!health.up()) {
      health.droppedEvents(1);
      return;
    }
    String[] message = {channelKey(event.app(), event.channel()), encode(event)};
    if (!outgoing.offer(message)) {
      health.droppedEvents(1);
    }
  }

  private String channelKey(String app, String channel) {
    return settings.prefix() + "ch:" + app.length() + ":" + app + ":" + channel;
  }

  private String encode(Event event) {
    return VERSION + "\n" + nodeId + "\n" + event.app() + "\n" + event.channel() + "\n"
        + event.name() + "\n" + event.data();
  }

  private void receive(String message) {
    String[] parts = message.split("\n", 6);
    if (parts.length != 6 || !VERSION.equals(parts[0]) || nodeId.equals(parts[1])) {
      return;
    }
    remote.accept(new Event(parts[2], parts[3], parts[4], parts[5], null));
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

  private void publishLoop() {
    List<String[]> batch = new ArrayList<>(MAX_BATCH);
    while (running) {
      try {
        String[] first = outgoing.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outgoing.drainTo(batch, MAX_BATCH - 1);
        send(batch);
      } catch (InterruptedException e) {
        return;
      } finally {
        batch.clear();
      }
    }
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

  /** Stops both threads and closes the connections. */
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
    publisherThread.interrupt();
    commands.close();
    join(subscriberThread);
    join(publisherThread);
  }

  private static void join(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(3).toMillis());
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
