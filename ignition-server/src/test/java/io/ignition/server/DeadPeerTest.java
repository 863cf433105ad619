package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ignition.core.App;
import io.ignition.core.Plan;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that vanish without a word (a cable pulled, a laptop closed) are noticed within the ping
 * interval plus the ping timeout and release what they held; peers that only listen are not.
 */
class DeadPeerTest {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  /** Room for a loaded machine's scheduling on top of interval + timeout. */
  private static final Duration SLACK = Duration.ofMillis(1_500);

  private IgnitionServer server;
  private NioClients clients;

  @AfterEach
  void stop() throws Exception {
    if (clients != null) {
      clients.close();
    }
    server.close();
  }

  private void start(Duration pingInterval) throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.HOBBY, "k-acme")
        .pingInterval(pingInterval)
        .pingTimeout(TIMEOUT)
        .socketIoPingInterval(INTERVAL)
        .socketIoPingTimeout(TIMEOUT)
        .build();
    server.start();
    clients = new NioClients();
  }

  @Test
  void nativePeer_silentAndDeafToPings_isCutAfterIntervalPlusTimeoutAndReleased()
      throws Exception {
    start(INTERVAL);
    DeadPeer dead = new DeadPeer();
    clients.connect(address(), "/v1?key=k-acme", dead);
    assertThat(dead.subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    long lastSentNanos = System.nanoTime();
    assertThat(server.hub().registry().subscriptionCount()).isEqualTo(3);

    int code = dead.closed.get(INTERVAL.plus(TIMEOUT).plus(SLACK).toMillis(),
        TimeUnit.MILLISECONDS);

    long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSentNanos);
    assertThat(code).as("cut without a close frame").isEqualTo(1006);
    assertThat(silentMillis).as("not cut before interval + timeout of silence")
        .isGreaterThanOrEqualTo(INTERVAL.plus(TIMEOUT).toMillis());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(server.hub().registry().subscriptionCount()).isZero();
      assertThat(server.hub().registry().channelCount()).isZero();
      assertThat(connectionsOfAcme()).isZero();
    });
    assertThat(server.meterRegistry().get("ignition.connections.dropped")
        .tag("reason", "ping_timeout").functionCounter().count()).isEqualTo(1);
  }

  @Test
  void nativePeers_thatOnlyListenAndAnswerPings_areKept() throws Exception {
    start(INTERVAL);
    Listener busy = new Listener("feed");
    Listener idle = new Listener(null);
    clients.connect(address(), "/v1?key=k-acme", busy);
    clients.connect(address(), "/v1?key=k-acme", idle);
    assertThat(busy.ready.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(idle.ready.await(10, TimeUnit.SECONDS)).isTrue();

    // Five times interval + timeout, with an event every 50 ms for the busy one.
    for (int i = 0; i < 60; i++) {
      server.publish("acme", "feed", "tick", Integer.toString(i));
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> busy.events.get() == 60);
    assertThat(busy.closed).isNotDone();
    assertThat(idle.closed).isNotDone();
    assertThat(busy.pings.get()).as("pings the busy listener answered").isGreaterThan(2);
    assertThat(idle.pings.get()).as("pings the idle listener answered").isGreaterThan(2);
    assertThat(connectionsOfAcme()).isEqualTo(2);
  }

  @Test
  void socketIoPeer_deafToEngineIoPings_isClosedAndReleased() throws Exception {
    start(Duration.ZERO);
    try (RawWsClient peer = RawWsClient.connect(server.port(),
        "/socket.io/?EIO=4&transport=websocket")) {
      assertThat(peer.nextText()).startsWith("0{");
      peer.sendText("40{\"token\":\"k-acme\"}");
      assertThat(peer.nextText()).startsWith("40{\"sid\":");
      peer.sendText("421[\"JOIN\",{\"group_id\":\"news\"}]");
      assertThat(peer.nextText()).isEqualTo("431[\"joined news\"]");
      assertThat(connectionsOfAcme()).isEqualTo(1);

      // It reads the pings but never answers them.
      await().atMost(INTERVAL.plus(TIMEOUT).plus(SLACK)).untilAsserted(() -> {
        assertThat(connectionsOfAcme()).isZero();
        assertThat(server.hub().registry().subscriberCount("acme", "news")).isZero();
      });
      RawWsClient.Frame close = peer.awaitClose();
      assertThat(close.closeReason()).startsWith("ping timeout");
    }
  }

  private InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  private long connectionsOfAcme() {
    App app = server.hub().keys().app("acme");
    return server.hub().quotas().usage(app).connections();
  }

  /** Subscribes to three channels, then falls silent and ignores pings. */
  private static final class DeadPeer implements NioClients.Handler {
    final CountDownLatch subscribed = new CountDownLatch(3);
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public void onText(NioClients.Conn conn, String text) {
      if (text.startsWith("{\"op\":\"welcome\"")) {
        for (int id = 1; id <= 3; id++) {
          conn.send("{\"op\":\"subscribe\",\"id\":" + id + ",\"channel\":\"c" + id + "\"}");
        }
      } else if (text.startsWith("{\"op\":\"ok\"")) {
        subscribed.countDown();
      }
    }

    @Override
    public void onClose(NioClients.Conn conn, int code) {
      closed.complete(code);
    }

    @Override
    public boolean answersPings() {
      return false;
    }
  }

  /** Subscribes to a channel (or none), then only reads and answers pings. */
  private static final class Listener implements NioClients.Handler {
    final CountDownLatch ready = new CountDownLatch(1);
    final AtomicInteger events = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final String channel;

    Listener(String channel) {
      this.channel = channel;
    }

    @Override
    public void onText(NioClients.Conn conn, String text) {
      if (text.startsWith("{\"op\":\"welcome\"")) {
        if (channel == null) {
          ready.countDown();
        } else {
          conn.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + channel + "\"}");
        }
      } else if (text.startsWith("{\"op\":\"ok\"")) {
        ready.countDown();
      } else if (text.startsWith("{\"op\":\"event\"")) {
        events.incrementAndGet();
      }
    }

    @Override
    public void onPing(NioClients.Conn conn) {
      pings.incrementAndGet();
    }

    @Override
    public void onClose(NioClients.Conn conn, int code) {
      closed.complete(code);
    }
  }
}
