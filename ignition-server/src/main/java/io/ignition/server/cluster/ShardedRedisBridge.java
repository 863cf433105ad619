package io.ignition.server.cluster;

import io.ignition.core.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The {@link Bridge} for a Redis Cluster: sharded pub/sub, so each channel's traffic stays on the
 * shard that owns its slot instead of being broadcast to every node of the cluster.
 *
 * <p>Thread-safe. One subscriber thread per primary, one publisher thread, one supervisor thread
 * that maps slots to primaries and rebuilds the subscriptions whenever that map may have changed.
 */
final class ShardedRedisBridge implements Bridge {
  /*
   * Design
   *
   * The supervisor reads CLUSTER SLOTS and opens one pub/sub connection per primary. A connection
   * first subscribes to a control channel whose slot that primary owns (Redis needs one channel
   * to enter pub/sub mode), then to every wanted channel of its slots. As with plain pub/sub, a
   * subscribe's future completes when its shard confirms the SSUBSCRIBE, and completes at once
   * while the shard is not connected. A shard that fails, or that tells us it dropped a channel
   * we still want (its slot moved), makes the supervisor read the slots again and start over.
   */

  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final RedisSettings settings;
  private final RedisHealth health;
  private final Consumer<Event> remote;
  private final String nodeId = UUID.randomUUID().toString();
  private final JedisClientConfig clientConfig = DefaultJedisClientConfig.builder()
      .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).build();
  private final RedisClusterClient commands;
  private final OrderedPublisher publisher;
  private final Object lock = new Object();
  private final Map<String, Queue<CompletableFuture<Void>>> wanted = new HashMap<>();
  private final Map<HostAndPort, Shard> shards = new HashMap<>();
  private final TreeMap<Integer, SlotRange> slots = new TreeMap<>();
  private final Semaphore refresh = new Semaphore(1);
  private final Thread supervisor;
  private volatile boolean running = true;

  ShardedRedisBridge(RedisSettings settings, RedisHealth health, Consumer<Event> remote) {
    this.settings = settings;
    this.health = health;
    this.remote = remote;
    this.commands = RedisClusterClient.builder()
        .nodes(Set.of(new HostAndPort(settings.uri().getHost(), settings.port())))
        .clientConfig(clientConfig).build();
    this.publisher = new OrderedPublisher(settings.prefix(), nodeId, health, this::send);
    this.supervisor = new Thread(this::supervise, "ignition-redis-shards");
    supervisor.setDaemon(true);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public RedisSettings settings() {
    return settings;
  }

  @Override
  public RedisClusterClient commands() {
    return commands;
  }

  @Override
  public boolean start(Duration wait) {
    supervisor.start();
    publisher.start();
    long deadline = System.nanoTime() + wait.toNanos();
    while (!health.up() && System.nanoTime() < deadline) {
      sleep(10);
    }
    return health.up();
  }

  @Override
  public CompletableFuture<Void> subscribe(String app, String channel) {
    String key = EventCodec.channelKey(settings.prefix(), app, channel);
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    synchronized (lock) {
      Queue<CompletableFuture<Void>> waiting = wanted.computeIfAbsent(key, k -> new ArrayDeque<>());
      Shard shard = shardOf(key);
      if (shard == null || !shard.ready) {
        confirmed.complete(null);
        return confirmed;
      }
      waiting.add(confirmed);
      try {
        shard.ssubscribe(key);
      } catch (JedisException e) {
        waiting.remove(confirmed);
        confirmed.complete(null);
      }
    }
    return confirmed;
  }

  @Override
  public void unsubscribe(String app, String channel) {
    String key = EventCodec.channelKey(settings.prefix(), app, channel);
    synchronized (lock) {
      Queue<CompletableFuture<Void>> waiting = wanted.remove(key);
      if (waiting != null) {
        waiting.forEach(future -> future.complete(null));
      }
      Shard shard = shardOf(key);
      if (shard != null && shard.ready) {
        try {
          shard.sunsubscribe(key);
        } catch (JedisException e) {
          // The shard is failing; its replacement subscribes only to what is still wanted.
        }
      }
    }
  }

  @Override
  public void publish(Event event) {
    publisher.offer(event);
  }

  private void send(List<String[]> batch) {
    for (int attempt = 1; ; attempt++) {
      try (ClusterPipeline pipeline = commands.pipelined()) {
        for (String[] message : batch) {
          pipeline.spublish(message[0], message[1]);
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

  /** Returns the shard that owns the key's slot, or null while the map is unknown. */
  private @Nullable Shard shardOf(String key) {
    Map.Entry<Integer, SlotRange> range = slots.floorEntry(JedisClusterCRC16.getSlot(key));
    if (range == null || JedisClusterCRC16.getSlot(key) > range.getValue().end()) {
      return null;
    }
    return shards.get(range.getValue().primary());
  }

  private void supervise() {
    long backoff = 100;
    while (running) {
      try {
        refresh.acquire();
        rebuild();
        backoff = 100;
      } catch (InterruptedException e) {
        return;
      } catch (JedisException | IllegalStateException e) {
        goDown(e);
        sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        refresh.release();
      }
    }
  }

  /** Reads the slot map and opens a fresh subscriber for every primary. */
  private void rebuild() {
    TreeMap<Integer, SlotRange> fresh = readSlots();
    synchronized (lock) {
      shards.values().forEach(Shard::stop);
      shards.clear();
      slots.clear();
      slots.putAll(fresh);
      for (SlotRange range : fresh.values()) {
        shards.computeIfAbsent(range.primary(), Shard::new);
      }
      shards.values().forEach(Shard::start);
    }
  }

  private TreeMap<Integer, SlotRange> readSlots() {
    TreeMap<Integer, SlotRange> map = new TreeMap<>();
    try (Jedis seed = new Jedis(new HostAndPort(settings.uri().getHost(), settings.port()),
        clientConfig)) {
      for (Object entry : seed.clusterSlots()) {
        List<?> range = (List<?>) entry;
        List<?> primary = (List<?>) range.get(2);
        HostAndPort address = new HostAndPort(new String((byte[]) primary.get(0),
            StandardCharsets.UTF_8), ((Long) primary.get(1)).intValue());
        int start = ((Long) range.get(0)).intValue();
        map.put(start, new SlotRange(((Long) range.get(1)).intValue(), address));
      }
    }
    if (map.isEmpty()) {
      throw new IllegalStateException("Redis Cluster reports no slots");
    }
    return map;
  }

  private void goDown(Exception cause) {
    synchronized (lock) {
      wanted.values().forEach(waiting -> {
        waiting.forEach(future -> future.complete(null));
        waiting.clear();
      });
    }
    health.unreachable(cause);
  }

  /** Asks the supervisor to read the slots again and rebuild every subscription. */
  private void requestRefresh(Exception cause) {
    if (running) {
      goDown(cause);
      if (refresh.availablePermits() == 0) {
        refresh.release();
      }
    }
  }

  private void updateHealth() {
    synchronized (lock) {
      if (!shards.isEmpty() && shards.values().stream().allMatch(shard -> shard.ready)) {
        health.reachable();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    supervisor.interrupt();
    synchronized (lock) {
      shards.values().forEach(Shard::stop);
      shards.clear();
    }
    publisher.close();
    commands.close();
  }

  /** A range of slots and the primary that owns it. */
  private record SlotRange(int end, HostAndPort primary) {}

  /** The pub/sub connection to one primary, on its own thread. */
  private final class Shard extends JedisShardedPubSub {
    private final HostAndPort address;
    private final Thread thread;
    private volatile boolean ready;
    private volatile boolean stopped;
    private @Nullable String control;

    Shard(HostAndPort address) {
      this.address = address;
      this.thread = new Thread(this::run, "ignition-redis-shard-" + address);
      thread.setDaemon(true);
    }

    void start() {
      control = controlChannel();
      thread.start();
    }

    /** Returns a channel of ours whose slot this primary owns, to enter pub/sub mode with. */
    private String controlChannel() {
      for (int i = 0; ; i++) {
        String candidate = settings.prefix() + "node:" + nodeId + ":" + i;
        if (shardOf(candidate) == this) {
          return candidate;
        }
      }
    }

    private void run() {
      try (Connection connection = new Connection(address, clientConfig)) {
        proceed(connection, control);
      } catch (JedisException | IllegalStateException e) {
        if (!stopped) {
          requestRefresh(e);
        }
      }
    }

    void stop() {
      stopped = true;
      ready = false;
      try {
        sunsubscribe();
      } catch (JedisException | IllegalStateException e) {
        // Not connected yet, or already failing; the thread ends with its connection.
      }
      thread.interrupt();
    }

    @Override
    public void onSSubscribe(String channel, int subscribedChannels) {
      if (channel.equals(control)) {
        synchronized (lock) {
          ready = true;
          String[] mine = wanted.keySet().stream().filter(key -> shardOf(key) == this)
              .toArray(String[]::new);
          for (String key : mine) {
            ssubscribe(key);
          }
        }
        updateHealth();
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
    public void onSUnsubscribe(String channel, int subscribedChannels) {
      boolean stillWanted;
      synchronized (lock) {
        stillWanted = !stopped && wanted.containsKey(channel);
      }
      if (stillWanted) {
        // The server dropped a channel we did not leave: its slot moved to another primary.
        requestRefresh(new IllegalStateException("slot of " + channel + " moved"));
      }
    }

    @Override
    public void onSMessage(String channel, String message) {
      Event event = EventCodec.decode(nodeId, message);
      if (event != null) {
        remote.accept(event);
      }
    }
  }
}
