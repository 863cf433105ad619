package io.ignition.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Event;
import io.ignition.core.HubObserver;
import io.ignition.core.Plan;
import io.ignition.server.RedisTestKeys;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Protocol;

/** Nodes joined through the real Redis at 127.0.0.1:6379 (or a private one where noted). */
class ClusterModeTest {
  private static final URI SHARED_REDIS = URI.create("redis://127.0.0.1:6379");

  private final String prefix = "test-" + UUID.randomUUID() + ":";
  private final List<ClusterMode> nodes = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    nodes.forEach(ClusterMode::close);
    RedisTestKeys.deleteAll(prefix);
  }

  private ClusterMode node(URI redis, Duration leaseTtl) {
    ClusterMode node = new ClusterMode(new RedisSettings(redis, prefix, leaseTtl, false),
        Clock.systemUTC(), HubObserver.NONE);
    nodes.add(node);
    node.start();
    return node;
  }

  private ClusterMode node() {
    return node(SHARED_REDIS, Duration.ofSeconds(15));
  }

  @Test
  void publish_onOneNode_reachesSubscribersOfEveryNodeOnceAndInOrder() throws Exception {
    ClusterMode a = node();
    ClusterMode b = node();
    Recorder onA = new Recorder();
    Recorder onB = new Recorder();
    a.registry().subscribe("acme", "news", onA).toCompletableFuture().get(5, TimeUnit.SECONDS);
    b.registry().subscribe("acme", "news", onB).toCompletableFuture().get(5, TimeUnit.SECONDS);

    for (int n = 0; n < 1_000; n++) {
      b.registry().publish(new Event("acme", "news", "tick", Integer.toString(n), null));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> onA.data.size() >= 1_000);
    List<String> sent = Recorder.numbers(1_000);
    assertThat(onA.data).as("remote node, in order").containsExactlyElementsOf(sent);
    assertThat(onB.data).as("publishing node, once").containsExactlyElementsOf(sent);
    b.registry().publish(new Event("acme", "news", "marker", "\"end\"", null));
    await().atMost(Duration.ofSeconds(5)).until(() -> onA.data.size() == 1_001);
    assertThat(onB.data).hasSize(1_001);
  }

  @Test
  void subscribe_thenPublishElsewhereTheInstantItIsConfirmed_isDeliveredEveryRound()
      throws Exception {
    ClusterMode a = node();
    ClusterMode b = node();
    for (int round = 0; round < 200; round++) {
      Recorder recorder = new Recorder();
      String channel = "race-" + round;

      a.registry().subscribe("acme", channel, recorder).toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      b.registry().publish(new Event("acme", channel, "e", "1", null));

      await("round " + round).atMost(Duration.ofSeconds(5))
          .until(() -> recorder.data.size() == 1);
    }
  }

  @Test
  void unsubscribe_lastLocalSubscriber_leavesTheRedisChannel() throws Exception {
    ClusterMode a = node();
    Recorder recorder = new Recorder();
    a.registry().subscribe("acme", "quiet", recorder).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    String redisChannel = prefix + "ch:4:acme:quiet";
    try (Jedis redis = new Jedis("127.0.0.1", 6379)) {
      assertThat(redis.pubsubNumSub(redisChannel).get(redisChannel)).isEqualTo(1L);

      a.registry().unsubscribe("acme", "quiet", recorder);

      await().atMost(Duration.ofSeconds(5)).until(() ->
          redis.pubsubNumSub(redisChannel).get(redisChannel) == 0L);
    }
  }

  @Test
  void admitRequest_spreadOverThreeNodes_admitsExactlyTheDailyLimit() throws Exception {
    App app = new App("acme", new Plan("metered", 1_000, 100));
    List<ClusterMode> three = List.of(node(), node(), node());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<Integer>> admitted = new ArrayList<>();
    for (ClusterMode node : three) {
      admitted.add(pool.submit(() -> {
        int count = 0;
        for (int i = 0; i < 400; i++) {
          count += node.quotas().admitRequest(app).admitted() ? 1 : 0;
        }
        return count;
      }));
    }
    int total = 0;
    for (Future<Integer> each : admitted) {
      total += each.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(total).isEqualTo(1_000);
    Admission next = three.get(1).quotas().admitRequest(app);
    assertThat(next.code()).isEqualTo("quota_exceeded");
    assertThat(three.get(2).quotas().usage(app).requestsToday()).isEqualTo(1_000);
  }

  @Test
  void admitConnection_crashedNodesShare_stopsCountingWhenItsLeaseExpires() throws Exception {
    App app = new App("acme", new Plan("small", 1_000, 4));
    ClusterMode survivor = node(SHARED_REDIS, Duration.ofSeconds(1));
    ClusterMode doomed = node(SHARED_REDIS, Duration.ofSeconds(1));
    for (int i = 0; i < 3; i++) {
      assertThat(doomed.quotas().admitConnection(app).admitted()).isTrue();
    }
    assertThat(survivor.quotas().admitConnection(app).admitted()).isTrue();
    assertThat(survivor.quotas().admitConnection(app).admitted()).as("4 of 4 held").isFalse();

    doomed.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> survivor.quotas().usage(app)
        .connections() == 1);
    assertThat(survivor.quotas().admitConnection(app).admitted()).isTrue();
  }

  @Test
  void redisConnectionKilledOrRedisRestarted_deliveryResumesWithinFiveSeconds() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      ClusterMode a = node(redis.uri(), Duration.ofSeconds(15));
      ClusterMode b = node(redis.uri(), Duration.ofSeconds(15));
      Recorder onA = new Recorder();
      a.registry().subscribe("acme", "news", onA).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertDelivered(b, onA, "before");

      try (RedisClient admin = RedisClient.builder()
          .hostAndPort(redis.uri().getHost(), redis.uri().getPort()).build()) {
        admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
      }
      assertDelivered(b, onA, "after the pub/sub connections were killed");

      redis.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> !a.health().up());
      b.registry().publish(new Event("acme", "news", "lost", "0", null));
      redis.restart();

      assertDelivered(b, onA, "after Redis restarted");
      assertThat(b.health().dropped()).as("events published while Redis was down")
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void quotasWhileRedisIsDown_failOpenEnforcesLocallyAndFailClosedRefuses() throws Exception {
    App app = new App("acme", new Plan("metered", 3, 100));
    try (RedisProcess redis = RedisProcess.start()) {
      ClusterMode open = node(redis.uri(), Duration.ofSeconds(15));
      ClusterMode closed = new ClusterMode(new RedisSettings(redis.uri(), prefix,
          Duration.ofSeconds(15), true), Clock.systemUTC(), HubObserver.NONE);
      nodes.add(closed);
      closed.start();

      redis.stop();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> !open.health().up() && !closed.health().up());

      assertThat(closed.quotas().admitRequest(app).code()).isEqualTo("unavailable");
      assertThat(closed.quotas().admitConnection(app).code()).isEqualTo("unavailable");
      int admitted = 0;
      for (int i = 0; i < 5; i++) {
        admitted += open.quotas().admitRequest(app).admitted() ? 1 : 0;
      }
      assertThat(admitted).as("the plan, enforced on this node alone").isEqualTo(3);
      assertThat(open.health().lastError()).isNotBlank();
    }
  }

  /** Publishes on {@code from} until {@code to} receives it, for at most five seconds. */
  private static void assertDelivered(ClusterMode from, Recorder to, String when) {
    String marker = "\"" + UUID.randomUUID() + "\"";
    await(when).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          from.registry().publish(new Event("acme", "news", "probe", marker, null));
          return to.data.contains(marker);
        });
  }
}
