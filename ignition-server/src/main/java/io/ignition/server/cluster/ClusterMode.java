package io.ignition.server.cluster;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.HubObserver;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node needs to join a cluster: the Redis bridge, the registry and quota policy on top of
 * it, and the health they report. Started and closed with the server.
 */
public final class ClusterMode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterMode.class);
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(5);

  private final RedisSettings settings;
  private final RedisHealth health = new RedisHealth();
  private final RedisBridge bridge;
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
    this.bridge = new RedisBridge(settings, health,
        event -> observer.deliveredFromCluster(holder[0].deliverRemote(event)));
    this.registry = new ClusterChannelRegistry(ChannelRegistry.inMemory(), bridge);
    holder[0] = registry;
    this.quotas = new RedisQuotaPolicy(bridge, health, clock);
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
