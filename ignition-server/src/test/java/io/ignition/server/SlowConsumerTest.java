package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading costs the server a bounded amount of memory and nothing else:
 * it is closed with 4008, its backlog is freed, and the subscribers beside it notice nothing.
 */
class SlowConsumerTest {
  /*
   * The scenario feeds 10 KB events at 500 a second for 30 s. Six seconds prove the same:
   * over loopback the stalled subscriber fills the kernel's buffers (a few MB) and its 1 MiB queue
   * within about a second and is dropped then; the five seconds after show the healthy subscriber
   * undisturbed, at the same 5 MB/s. 3,000 events, about eight seconds in all.
   */
  private static final int EVENTS_PER_SECOND = 500;
  private static final int SECONDS = 6;
  private static final int EVENTS = EVENTS_PER_SECOND * SECONDS;
  private static final int EVENT_BYTES = 10 * 1024;
  private static final long MAX_QUEUED_BYTES = 1024 * 1024;
  /** The heap may grow this much over the run: caches and JIT, not backlogs (30 MB were sent). */
  private static final long HEAP_SLACK_BYTES = 8 * 1024 * 1024;

  private IgnitionServer server;
  private NioClients clients;

  @AfterEach
  void stop() throws Exception {
    if (clients != null) {
      clients.close();
    }
    server.close();
  }

  private void start(Duration closeGrace) throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.ENTERPRISE, "k-acme")
        .maxQueuedBytes(MAX_QUEUED_BYTES)
        .closeGrace(closeGrace)
        .pingInterval(Duration.ZERO)
        .build();
    server.start();
    clients = new NioClients();
  }

  @Test
  void stalledSubscriber_besideAHealthyOne_isClosed4008WhileTheHealthyOneGetsEveryEventInTime()
      throws Exception {
    start(Duration.ofSeconds(30));
    HealthySubscriber healthy = new HealthySubscriber();
    clients.connect(new InetSocketAddress("127.0.0.1", server.port()), "/v1?key=k-acme", healthy);
    assertThat(healthy.subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    try (RawWsClient stalled = stalledSubscriber()) {
      long heapBefore = Heap.usedAfterGc();

      publishPaced();

      assertThat(healthy.received.await(30, TimeUnit.SECONDS))
          .as("healthy subscriber received %d of %d", EVENTS - healthy.received.getCount(), EVENTS)
          .isTrue();
      assertThat(healthy.sequence()).as("every event, in order").isEqualTo(expectedSequence());
      assertThat(healthy.p99LatencyMillis()).as("p99 latency, ms").isLessThan(1_000);
      assertThat(slowConsumers()).isEqualTo(1);
      assertThat(server.hub().registry().subscriberCount("acme", "feed")).isEqualTo(1);
      // All that stays queued is the stalled subscriber's close frame, behind what its kernel
      // will not take: its megabyte of events was dropped.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(gauge("ignition.delivery.queued")).as("bytes queued").isLessThan(128));
      long heapAfter = Heap.usedAfterGc();
      assertThat(heapAfter - heapBefore).as("heap growth over the run, bytes")
          .isLessThan(HEAP_SLACK_BYTES);

      // It resumes reading well within the close grace: it reads what reached its kernel, then
      // the 4008 close frame.
      RawWsClient.Frame close = stalled.awaitClose();
      assertThat(close.closeCode()).isEqualTo(4008);
      assertThat(close.closeReason()).startsWith("slow consumer");
    }
  }

  @Test
  void stalledSubscriber_thatNeverReads_isCutOffAfterTheCloseGraceAndItsPlaceFreed()
      throws Exception {
    start(Duration.ofMillis(500));
    try (RawWsClient stalled = stalledSubscriber()) {
      String event = eventData(0);
      for (int i = 0; i < 5_000 && slowConsumers() == 0; i++) {
        server.publish("acme", "feed", "tick", event);
      }
      assertThat(slowConsumers()).as("closed as a slow consumer").isEqualTo(1);

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(server.hub().registry().subscriberCount("acme", "feed")).isZero();
        assertThat(gauge("ignition.transport.connections")).isZero();
        assertThat(connectionsOfAcme()).isZero();
      });
      assertThat(gauge("ignition.delivery.queued")).isZero();
      assertThat(stalled.readToEnd()).as("the server ended the TCP connection itself; whether "
          + "its close frame fit in the kernel's buffers before that varies").isIn(-1, 4008);
    }
  }

  /** Subscribes to {@code feed} over a socket with a tiny receive buffer, then stops reading. */
  private RawWsClient stalledSubscriber() throws Exception {
    RawWsClient stalled = RawWsClient.open(server.port(), "/v1?key=k-acme", null, 4096);
    assertThat(stalled.upgraded()).isTrue();
    assertThat(stalled.nextText()).startsWith("{\"op\":\"welcome\"");
    stalled.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"feed\"}");
    assertThat(stalled.nextText()).isEqualTo("{\"op\":\"ok\",\"id\":1}");
    return stalled;
  }

  /** Publishes the events at the rate, each stamped with its sequence number and send time. */
  private void publishPaced() {
    long start = System.nanoTime();
    long gapNanos = TimeUnit.SECONDS.toNanos(1) / EVENTS_PER_SECOND;
    for (int seq = 0; seq < EVENTS; seq++) {
      long due = start + seq * gapNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      server.publish("acme", "feed", "tick", eventData(seq));
    }
  }

  private static String eventData(int seq) {
    String head = "{\"seq\":" + seq + ",\"sentNanos\":" + System.nanoTime() + ",\"pad\":\"";
    return head + "x".repeat(EVENT_BYTES - head.length() - 2) + "\"}";
  }

  private static List<Integer> expectedSequence() {
    List<Integer> sequence = new ArrayList<>();
    for (int seq = 0; seq < EVENTS; seq++) {
      sequence.add(seq);
    }
    return sequence;
  }

  private double slowConsumers() {
    return server.meterRegistry().get("ignition.connections.dropped")
        .tag("reason", "slow_consumer").functionCounter().count();
  }

  private double gauge(String name) {
    MeterRegistry registry = server.meterRegistry();
    return registry.get(name).gauge().value();
  }

  private long connectionsOfAcme() {
    App app = server.hub().keys().app("acme");
    return server.hub().quotas().usage(app).connections();
  }

  /** Subscribes on its welcome and records each event's sequence number and latency. */
  private static final class HealthySubscriber implements NioClients.Handler {
    final CountDownLatch subscribed = new CountDownLatch(1);
    final CountDownLatch received = new CountDownLatch(EVENTS);
    private final List<Integer> sequence = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onText(NioClients.Conn conn, String text) {
      long now = System.nanoTime();
      JsonObject frame = JsonParser.parseString(text).getAsJsonObject();
      switch (frame.get("op").getAsString()) {
        case "welcome" -> conn.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"feed\"}");
        case "ok" -> subscribed.countDown();
        case "event" -> {
          JsonObject data = frame.getAsJsonObject("data");
          sequence.add(data.get("seq").getAsInt());
          latencies.add(now - data.get("sentNanos").getAsLong());
          received.countDown();
        }
        default -> { }
      }
    }

    List<Integer> sequence() {
      return List.copyOf(sequence);
    }

    long p99LatencyMillis() {
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return TimeUnit.NANOSECONDS.toMillis(sorted.get((int) (sorted.size() * 0.99) - 1));
    }
  }
}
