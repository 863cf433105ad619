package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ignition.core.App;
import io.ignition.core.Plan;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that connect, subscribe and leave without unsubscribing, by a clean close or a reset,
 * thousands of times, leave nothing behind: no subscription, no channel, no connection slot, and
 * no heap.
 */
class ChurnTest {
  private static final int WAVES = 20;
  private static final int PER_WAVE = 500;
  /** The heap may grow this much over 10,000 connections: caches and JIT, not connections. */
  private static final long HEAP_SLACK_BYTES = 8 * 1024 * 1024;

  private IgnitionServer server;
  private NioClients clients;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        // Unlimited requests, so that the daily allowance does not end the run; a bounded
        // connection count, so that every slot must come back for the next wave to connect.
        .app("acme", new Plan("churn", Plan.UNLIMITED, PER_WAVE), "k-acme")
        .build();
    server.start();
    clients = new NioClients();
  }

  @AfterEach
  void stop() throws Exception {
    clients.close();
    server.close();
  }

  @Test
  void connectSubscribeLeave_tenThousandTimesCleanlyOrByReset_leavesNothingBehind()
      throws Exception {
    wave(0);
    awaitNothingLeft();
    long heapBefore = Heap.usedAfterGc();

    for (int wave = 1; wave < WAVES; wave++) {
      wave(wave);
    }

    awaitNothingLeft();
    long heapAfter = Heap.usedAfterGc();
    assertThat(heapAfter - heapBefore).as("heap growth over %d connections, bytes",
        (WAVES - 1) * PER_WAVE).isLessThan(HEAP_SLACK_BYTES);
  }

  /** Runs one wave: each client subscribes to three channels, then leaves, half by reset. */
  private void wave(int wave) throws InterruptedException {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
    CountDownLatch gone = new CountDownLatch(PER_WAVE);
    for (int i = 0; i < PER_WAVE; i++) {
      boolean reset = i % 2 == 1;
      String unique = "solo-" + wave + "-" + i;
      clients.connect(address, "/v1?key=k-acme", new Leaver(unique, "group-" + i % 20, reset,
          gone));
    }
    assertThat(gone.await(60, TimeUnit.SECONDS)).as("wave %d: %d clients still there", wave,
        gone.getCount()).isTrue();
  }

  private void awaitNothingLeft() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(server.hub().registry().subscriptionCount()).as("subscriptions").isZero();
      assertThat(server.hub().registry().channelCount()).as("channels").isZero();
      assertThat(connectionsOfAcme()).as("connection slots").isZero();
      assertThat(server.meterRegistry().get("ignition.transport.connections").gauge().value())
          .as("TCP connections").isZero();
    });
  }

  private long connectionsOfAcme() {
    App app = server.hub().keys().app("acme");
    return server.hub().quotas().usage(app).connections();
  }

  /** Subscribes to three channels on its welcome and leaves once they are confirmed. */
  private static final class Leaver implements NioClients.Handler {
    private final String[] channels;
    private final boolean reset;
    private final CountDownLatch gone;
    private int confirmed;

    Leaver(String unique, String group, boolean reset, CountDownLatch gone) {
      this.channels = new String[] {"common", group, unique};
      this.reset = reset;
      this.gone = gone;
    }

    @Override
    public void onText(NioClients.Conn conn, String text) {
      if (text.startsWith("{\"op\":\"welcome\"")) {
        for (int id = 0; id < channels.length; id++) {
          conn.send("{\"op\":\"subscribe\",\"id\":" + (id + 1) + ",\"channel\":\""
              + channels[id] + "\"}");
        }
      } else if (text.startsWith("{\"op\":\"ok\"") && ++confirmed == channels.length) {
        if (reset) {
          conn.abort();
          gone.countDown();
        } else {
          conn.sendClose();
        }
      }
    }

    @Override
    public void onClose(NioClients.Conn conn, int code) {
      if (!reset) {
        gone.countDown();
      }
    }
  }
}
