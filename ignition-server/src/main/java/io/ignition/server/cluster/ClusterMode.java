package io.ignition.server.cluster;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.HubObserver;
import io.ignition.core.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What a node needs to join a cluster: the Redis bridge, the registry and quota policy on top of
 * it, and the health they report. Started and closed with the server.
 */
public final class ClusterMode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterMode.class);
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(5);

  private final RedisSettings settings;
  private final RedisHealth health = new RedisHealth();
  private final Bridge bridge;
  private final ClusterChannelRegistry registry;
  private final RedisQuotaPolicy quotas;

  /**
   * Wires the parts; nothing connects before {@link #start}.
   *
   * @param observer hears of deliveries of events published on other nodes
   */
  public ClusterMode(RedisSettings settings, Clock clock, HubObserver observer) {
    this.settings = settings;
    ClusterChannelRegistry[] holder = new ClusterChannelRegistry[1];
    Consumer<Event> remote = event -> observer.deliveredFromCluster(holder[0].deliverRemote(event));
    this.bridge = isRedisCluster(settings)
        ? new ShardedRedisBridge(settings, health, remote)
        : new RedisBridge(settings, health, remote);
    this.registry = new ClusterChannelRegistry(ChannelRegistry.inMemory(), bridge);
    holder[0] = registry;
    this.quotas = new RedisQuotaPolicy(bridge, health, clock);
  }

  /**
   * Tells a Redis Cluster from a single Redis by asking it. When Redis cannot be reached at
   * start the node assumes a single Redis, and says so.
   */
  private static boolean isRedisCluster(RedisSettings settings) {
    JedisClientConfig config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).build();
    try (Jedis probe = new Jedis(new HostAndPort(settings.uri().getHost(), settings.port()),
        config)) {
      boolean cluster = probe.info("cluster").contains("cluster_enabled:1");
      log.info("Redis at {} is {}", settings.uri(), cluster
          ? "a Redis Cluster: using sharded pub/sub" : "a single server: using pub/sub");
      return cluster;
    } catch (JedisException e) {
      log.warn("Redis not reachable at start; assuming a single server uri={} error={}",
          settings.uri(), e.getMessage());
      return false;
    }
  }

  /** Connects to Redis, waiting a few seconds; the node serves alone until Redis answers. */
  public void start() {
    if (!bridge.start(CONNECT_WAIT)) {
      log.warn("Redis not reachable at start; serving this node's clients alone until it is "
          + "uri={}", settings.uri());
    }
    quotas.start();
  }

  public ClusterChannelRegistry registry() {
    return registry;
  }

  public RedisQuotaPolicy quotas() {
    return quotas;
  }

  public RedisHealth health() {
    return health;
  }

  public String nodeId() {
    return bridge.nodeId();
  }

  @Override
  public void close() {
    quotas.close();
    bridge.close();
  }
}
