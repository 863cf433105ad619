package io.ignition.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ignition.core.App;
import io.ignition.core.Event;
import io.ignition.core.HubObserver;
import io.ignition.core.Plan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** Nodes joined through a private three-primary Redis Cluster, with sharded pub/sub. */
class RedisClusterModeTest {
  @TempDir
  static Path dir;
  private static RedisClusterProcess redis;

  private final List<ClusterMode> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    redis = RedisClusterProcess.start(dir);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    redis.close();
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(ClusterMode::close);
  }

  private ClusterMode node() {
    ClusterMode node = new ClusterMode(new RedisSettings(redis.uri(), "sharded:",
        Duration.ofSeconds(15), false), Clock.systemUTC(), HubObserver.NONE);
    nodes.add(node);
    node.start();
    return node;
  }

  @Test
  void publish_onOneNode_reachesTheOtherInOrderThroughShardedPubSub() throws Exception {
    ClusterMode a = node();
    ClusterMode b = node();
    List<Recorder> recorders = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      Recorder recorder = new Recorder();
      a.registry().subscribe("acme", "news-" + c, recorder).toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      recorders.add(recorder);
    }

    for (int n = 0; n < 100; n++) {
      for (int c = 0; c < 20; c++) {
        b.registry().publish(new Event("acme", "news-" + c, "tick", Integer.toString(n), null));
      }
    }

    for (Recorder recorder : recorders) {
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.data.size() >= 100);
      assertThat(recorder.data).containsExactlyElementsOf(Recorder.numbers(100));
    }
    assertThat(shardSubscriptions("sharded:ch:4:acme:news-0"))
        .as("one sharded subscription, no plain one").isEqualTo(1);
  }

  @Test
  void subscribe_thenPublishElsewhereTheInstantItIsConfirmed_isDelivered() throws Exception {
    ClusterMode a = node();
    ClusterMode b = node();
    for (int round = 0; round < 100; round++) {
      Recorder recorder = new Recorder();
      a.registry().subscribe("acme", "race-" + round, recorder).toCompletableFuture()
          .get(5, TimeUnit.SECONDS);

      b.registry().publish(new Event("acme", "race-" + round, "e", "1", null));

      await("round " + round).atMost(Duration.ofSeconds(5)).until(() -> recorder.data.size() == 1);
    }
  }

  @Test
  void admitRequest_overTwoNodes_isExactOnTheCluster() {
    App app = new App("cluster-quota-" + System.nanoTime(), new Plan("metered", 300, 100));
    ClusterMode a = node();
    ClusterMode b = node();
    int admitted = 0;
    for (int i = 0; i < 200; i++) {
      admitted += a.quotas().admitRequest(app).admitted() ? 1 : 0;
      admitted += b.quotas().admitRequest(app).admitted() ? 1 : 0;
    }

    assertThat(admitted).isEqualTo(300);
    assertThat(a.quotas().admitConnection(app).admitted()).isTrue();
    assertThat(b.quotas().usage(app).connections()).isEqualTo(1);
  }

  /** Sums PUBSUB SHARDNUMSUB over the primaries, checking no plain subscription exists. */
  private static long shardSubscriptions(String channel) {
    long total = 0;
    for (int port : redis.ports()) {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        assertThat(jedis.pubsubNumSub(channel).get(channel)).isZero();
        total += (Long) ((List<?>) jedis.sendCommand(
            Protocol.Command.PUBSUB, "SHARDNUMSUB", channel)).get(1);
      }
    }
    return total;
  }
}
