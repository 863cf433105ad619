package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.core.Usage;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plans enforced end to end: exact counts under concurrency, slots, the daily window. */
class QuotaEnforcementTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T23:59:00Z"));
  private IgnitionServer server;
  private NioClients clients;

  @AfterEach
  void stop() throws Exception {
    if (clients != null) {
      clients.close();
    }
    server.close();
  }

  private void start(Plan plan, Duration pingInterval) throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", plan, "k-acme", "k-acme-2")
        .quotas(QuotaPolicy.inMemory(clock))
        .pingInterval(pingInterval)
        .pingTimeout(pingInterval.isZero() ? Duration.ofSeconds(15) : pingInterval)
        .build();
    server.start();
    clients = new NioClients();
  }

  @Test
  void emit_fiftyClientsRacingTheDailyLimit_admitExactlyTheAllowance() throws Exception {
    // Hobby's daily limit, with room for fifty connections so that they can all race.
    start(new Plan("hobby", 100, 60), Duration.ZERO);
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch welcomed = new CountDownLatch(50);
    CountDownLatch closed = new CountDownLatch(50);
    Map<NioClients.Conn, Integer> closeCodes = new ConcurrentHashMap<>();
    List<NioClients.Conn> conns = new ArrayList<>();

    for (int i = 0; i < 50; i++) {
      conns.add(clients.connect(address, "/v1?key=k-acme", new NioClients.Handler() {
        @Override
        public void onText(NioClients.Conn conn, String text) {
          JsonObject frame = JsonParser.parseString(text).getAsJsonObject();
          switch (frame.get("op").getAsString()) {
            case "welcome" -> welcomed.countDown();
            case "ok" -> admitted.incrementAndGet();
            case "error" -> {
              assertThat(frame.get("code").getAsString()).isEqualTo("quota_exceeded");
              assertThat(frame.get("message").getAsString())
                  .contains("resets at 2026-12-04T00:00:00Z");
              refused.incrementAndGet();
            }
            default -> { }
          }
        }

        @Override
        public void onClose(NioClients.Conn conn, int code) {
          closeCodes.put(conn, code);
          closed.countDown();
        }
      }));
    }
    assertThat(welcomed.await(30, TimeUnit.SECONDS)).as("all fifty connected").isTrue();

    // Every client sends more emits than the whole remaining allowance, all at once.
    for (NioClients.Conn conn : conns) {
      for (int n = 1; n <= 110; n++) {
        conn.send("{\"op\":\"emit\",\"id\":" + n + ",\"channel\":\"c\",\"event\":\"e\"}");
      }
    }

    assertThat(closed.await(30, TimeUnit.SECONDS)).as("every client was closed").isTrue();
    assertThat(admitted.get()).as("emits admitted after 50 connections").isEqualTo(50);
    assertThat(refused.get()).as("one refusal per client before its close").isEqualTo(50);
    assertThat(closeCodes.values()).containsOnly(4029);
    assertThat(usage().requestsToday()).isEqualTo(100);
  }

  @Test
  void connect_twoHundredAtOnceForTenSlots_opensExactlyTen() throws Exception {
    start(Plan.HOBBY, Duration.ZERO);
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
    AtomicInteger welcomed = new AtomicInteger();
    CountDownLatch settled = new CountDownLatch(200);
    List<Integer> closeCodes = new ArrayList<>();
    AtomicReference<String> reason = new AtomicReference<>();

    for (int i = 0; i < 200; i++) {
      clients.connect(address, "/v1?key=k-acme", new NioClients.Handler() {
        @Override
        public void onText(NioClients.Conn conn, String text) {
          if (text.startsWith("{\"op\":\"welcome\"")) {
            welcomed.incrementAndGet();
            settled.countDown();
          }
        }

        @Override
        public void onClose(NioClients.Conn conn, int code) {
          synchronized (closeCodes) {
            closeCodes.add(code);
          }
          settled.countDown();
        }
      });
    }

    assertThat(settled.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(welcomed.get()).isEqualTo(10);
    assertThat(closeCodes).hasSize(190).containsOnly(4029);
    assertThat(usage().connections()).isEqualTo(10);
    assertThat(usage().requestsToday()).as("refused attempts are not requests").isEqualTo(10);
  }

  @Test
  void connectionEnds_everyWay_releasesEachSlotExactlyOnce() throws Exception {
    start(Plan.HOBBY, Duration.ofSeconds(1));
    WsClient closedCleanly = WsClient.welcomed(server, "k-acme");
    WsClient reset = WsClient.welcomed(server, "k-acme");
    WsClient kicked = WsClient.welcomed(server, "k-acme-2");
    WsClient stays = WsClient.welcomed(server, "k-acme");
    CountDownLatch deadWelcomed = new CountDownLatch(1);
    clients.connect(new InetSocketAddress("127.0.0.1", server.port()), "/v1?key=k-acme",
        new NioClients.Handler() {
          @Override
          public void onText(NioClients.Conn conn, String text) {
            deadWelcomed.countDown();
          }

          @Override
          public boolean answersPings() {
            return false;
          }
        });
    assertThat(deadWelcomed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(usage().connections()).isEqualTo(5);

    closedCleanly.close();
    reset.abort();
    server.hub().revokeKey("k-acme-2");

    assertThat(kicked.awaitClose().code()).isEqualTo(4001);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(usage().connections()).as("only the live client holds a slot").isEqualTo(1));
    assertThat(stays.request("{\"op\":\"ping\",\"id\":1}", 1).get("op").getAsString())
        .isEqualTo("ok");
    stays.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(usage().connections()).isZero());
  }

  @Test
  void dailyWindow_atMidnightUtc_restartsByItself() throws Exception {
    start(new Plan("tiny", 3, 10), Duration.ZERO);
    try (WsClient client = WsClient.welcomed(server, "k-acme")) {
      client.request("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"a\"}", 1);
      client.request("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"b\"}", 2);

      JsonObject refusal = client.request("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"c\"}", 3);

      assertThat(refusal.get("code").getAsString()).isEqualTo("quota_exceeded");
      assertThat(client.awaitClose().code()).isEqualTo(4029);
    }
    try (WsClient refused = WsClient.connect(server, "k-acme")) {
      assertThat(refused.awaitClose().code()).as("the day's allowance is spent").isEqualTo(4029);
    }

    clock.set(Instant.parse("2026-12-04T00:00:01Z"));

    try (WsClient nextDay = WsClient.welcomed(server, "k-acme")) {
      JsonObject usage = nextDay.request("{\"op\":\"info\",\"id\":1}", 1)
          .getAsJsonObject("data").getAsJsonObject("usage");
      assertThat(usage.get("requestsToday").getAsLong()).isEqualTo(1);
      assertThat(usage.get("requestsLeft").getAsLong()).isEqualTo(2);
      assertThat(usage.get("resetAt").getAsString()).isEqualTo("2026-12-05T00:00:00Z");
    }
  }

  private Usage usage() {
    App app = server.hub().keys().app("acme");
    return server.hub().quotas().usage(app);
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
