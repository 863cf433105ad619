package io.ignition.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.ignition.core.App;
import io.ignition.core.HubObserver;
import io.ignition.core.Plan;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} and the meters behind it, over real sockets. */
class MetricsTest {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** A server frame of a text under 126 bytes: FIN/opcode byte, length byte, no mask. */
  private static final int SHORT_FRAME_HEADER = 2;
  /** A server frame of 126 to 65,535 bytes: FIN/opcode byte, 126, two length bytes. */
  private static final int MEDIUM_FRAME_HEADER = 4;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<IgnitionServer> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(IgnitionServer::close);
  }

  private IgnitionServer start(IgnitionServer.Builder builder) throws Exception {
    IgnitionServer server = builder.build();
    servers.add(server);
    server.start();
    return server;
  }

  private static IgnitionServer.Builder local() {
    // No pings, so that nothing but what a test does is written to its sockets.
    return IgnitionServer.builder().host("127.0.0.1").port(0).httpPort(0)
        .pingInterval(Duration.ZERO);
  }

  @Test
  void metrics_afterKnownSequence_countConnectionsRequestsEventsAndBytes() throws Exception {
    IgnitionServer server = start(local()
        .app("hobbyco", Plan.HOBBY, "k-hobby")
        .app("proco", Plan.PRO, "k-pro"));
    List<String> events = new CopyOnWriteArrayList<>();
    try (WsClient hobby = WsClient.connect(server, "k-hobby", "&echo=true");
        WsClient pro = WsClient.welcomed(server, "k-pro");
        WsClient stranger = WsClient.connect(server, "k-wrong")) {
      assertThat(hobby.next().get("op").getAsString()).isEqualTo("welcome");
      assertThat(stranger.awaitClose().code()).isEqualTo(4001);
      hobby.subscribe("news", 1);
      pro.subscribe("alerts", 1);
      pro.subscribe("extra", 2);
      assertOk(pro.request("{\"op\":\"unsubscribe\",\"id\":3,\"channel\":\"extra\"}", 3));

      // Three emits that echo back to their only subscriber, the sender.
      for (int n = 1; n <= 3; n++) {
        hobby.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"tick\",\"data\":" + n + "}");
        events.add(hobby.nextText());
      }
      // An emit to a channel whose only subscriber is the sender, without echo: no delivery.
      assertOk(pro.request("{\"op\":\"emit\",\"id\":4,\"channel\":\"alerts\",\"event\":\"e\"}", 4));
      assertOk(pro.request("{\"op\":\"ping\",\"id\":5}", 5));
      assertOk(hobby.request("{\"op\":\"info\",\"id\":6}", 6));
      assertThat(publish(server, "k-pro", "{\"channel\":\"alerts\",\"event\":\"up\",\"data\":1}")
          .statusCode()).isEqualTo(202);
      events.add(pro.nextText());
      hobby.close();

      // Replies go out before their op is counted, and the close is seen after the client's
      // close returns: wait for the counts to settle.
      await().untilAsserted(() -> assertSequenceCounted(scrape(server), events));
    }
  }

  private static void assertSequenceCounted(PrometheusText metrics, List<String> events) {
    assertThat(metrics.value("ignition_connections_open", "plan", "hobby")).isZero();
    assertThat(metrics.value("ignition_connections_open", "plan", "pro")).isEqualTo(1);
    assertThat(metrics.value("ignition_connections_accepted_total")).isEqualTo(2);
    assertThat(metrics.value("ignition_connections_rejected_total", "reason", "bad_key"))
        .isEqualTo(1);
    assertThat(metrics.value("ignition_connections_rejected_total", "reason",
        "connection_limit")).isZero();
    assertThat(metrics.value("ignition_requests_total", "op", "subscribe")).isEqualTo(3);
    assertThat(metrics.value("ignition_requests_total", "op", "unsubscribe")).isEqualTo(1);
    assertThat(metrics.value("ignition_requests_total", "op", "emit")).isEqualTo(4);
    assertThat(metrics.value("ignition_requests_total", "op", "ping")).isEqualTo(1);
    assertThat(metrics.value("ignition_requests_total", "op", "info")).isEqualTo(1);
    assertThat(metrics.value("ignition_requests_total", "op", "publish")).isEqualTo(1);
    assertThat(metrics.value("ignition_requests_rejected_total", "code", "quota_exceeded"))
        .isZero();
    assertThat(metrics.value("ignition_events_published_total")).isEqualTo(5);
    assertThat(metrics.value("ignition_events_delivered_total")).isEqualTo(4);
    // hobbyco/news went with its only subscriber; proco/extra was left; proco/alerts remains.
    assertThat(metrics.value("ignition_channels")).isEqualTo(1);
    assertThat(metrics.value("ignition_subscriptions")).isEqualTo(1);
    assertThat(metrics.value("ignition_delivery_bytes_total"))
        .isGreaterThanOrEqualTo(frameBytes(events, SHORT_FRAME_HEADER));
    assertThat(metrics.value("process_uptime_seconds")).isPositive();
  }

  @Test
  void deliveryBytes_eventsToOneSubscriber_growByTheirFramesExactly() throws Exception {
    IgnitionServer server = start(local().app("acme", Plan.ENTERPRISE, "k-acme"));
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme")) {
      subscriber.subscribe("news", 1);
      double before = scrape(server).value("ignition_delivery_bytes_total");
      List<String> events = new CopyOnWriteArrayList<>();

      String data = "\"" + "x".repeat(1_000) + "\"";
      for (int n = 0; n < 5; n++) {
        server.publish("acme", "news", "big", data);
        events.add(subscriber.nextText());
      }

      long written = frameBytes(events, MEDIUM_FRAME_HEADER);
      await().untilAsserted(() -> assertThat(scrape(server).value("ignition_delivery_bytes_total"))
          .isGreaterThanOrEqualTo(before + written));
      // Nothing else goes to the socket meanwhile. The first sample may have missed the subscribe
      // reply, if the flush thread had sent it but not yet counted it.
      int okFrame = SHORT_FRAME_HEADER + "{\"op\":\"ok\",\"id\":1}".length();
      assertThat(scrape(server).value("ignition_delivery_bytes_total") - before)
          .isIn((double) written, (double) written + okFrame);
    }
  }

  @Test
  void metrics_refusedConnectionAndRequest_countedByReasonAndCode() throws Exception {
    // One connection; two requests a day: the connection's own, and one subscribe.
    IgnitionServer server = start(local().app("tiny", new Plan("tiny", 2, 1), "k-tiny"));
    try (WsClient first = WsClient.welcomed(server, "k-tiny");
        WsClient second = WsClient.connect(server, "k-tiny")) {
      assertThat(second.awaitClose().code()).isEqualTo(4029);
      first.subscribe("news", 1);

      first.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"e\"}");

      assertThat(first.awaitClose().code()).isEqualTo(4029);
      await().untilAsserted(() -> {
        PrometheusText metrics = scrape(server);
        assertThat(metrics.value("ignition_connections_open", "plan", "tiny")).isZero();
        assertThat(metrics.value("ignition_connections_accepted_total")).isEqualTo(1);
        assertThat(metrics.value("ignition_connections_rejected_total", "reason",
            "connection_limit")).isEqualTo(1);
        assertThat(metrics.value("ignition_requests_rejected_total", "code", "quota_exceeded"))
            .isEqualTo(1);
        assertThat(metrics.value("ignition_events_published_total")).isZero();
        assertThat(metrics.value("ignition_subscriptions")).isZero();
      });
    }
  }

  @Test
  void metrics_withoutKey_answersPrometheusTextWithJvmMetrics() throws Exception {
    IgnitionServer server = start(local());

    HttpResponse<String> response = get(server, "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(PROMETHEUS_TEXT);
    PrometheusText metrics = PrometheusText.parse(response.body());
    assertThat(metrics.type("ignition_events_published_total")).isEqualTo("counter");
    assertThat(metrics.type("ignition_delivery_bytes_total")).isEqualTo("counter");
    assertThat(metrics.type("ignition_channels")).isEqualTo("gauge");
    assertThat(metrics.series("jvm_memory_used_bytes")).isNotEmpty();
    assertThat(metrics.series("jvm_threads_live_threads")).isNotEmpty();
    assertThat(metrics.series("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
    assertThat(metrics.value("process_start_time_seconds")).isPositive();
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(server, "/metrics"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void observer_withDefaultRegistryAndNoHttp_hearsWhatTheMetersCount() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    IgnitionServer server = start(local().httpPort(-1)
        .app("acme", Plan.PRO, "k-acme")
        .observer(new HubObserver() {
          @Override
          public void operation(String op) {
            heard.add(op);
          }

          @Override
          public void published(App app, int deliveries) {
            heard.add("published to " + deliveries);
          }
        }));
    try (WsClient subscriber = WsClient.welcomed(server, "k-acme");
        WsClient publisher = WsClient.welcomed(server, "k-acme")) {
      subscriber.subscribe("news", 1);

      assertOk(publisher.request("{\"op\":\"emit\",\"id\":1,\"channel\":\"news\",\"event\":\"e\"}",
          1));

      assertThat(subscriber.next().get("op").getAsString()).isEqualTo("event");
      MeterRegistry registry = server.meterRegistry();
      await().untilAsserted(() -> {
        assertThat(heard).containsExactlyInAnyOrder("subscribe", "published to 1", "emit");
        assertThat(registry.get("ignition.requests").tag("op", "emit").counter().count())
            .isEqualTo(1);
        assertThat(registry.get("ignition.events.delivered").counter().count()).isEqualTo(1);
        assertThat(registry.get("ignition.delivery.bytes").functionCounter().count())
            .isPositive();
      });
    }
  }

  @Test
  void meterRegistry_given_holdsTheServersMetersUntilItCloses() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    IgnitionServer first = start(local().meterRegistry(registry).app("acme", Plan.PRO, "k-a"));
    try (WsClient client = WsClient.welcomed(first, "k-a")) {
      client.subscribe("news", 1);
      assertThat(registry.get("ignition.subscriptions").gauge().value()).isEqualTo(1);
      assertThat(registry.find("jvm.memory.used").meters()).as("JVM metrics are the owner's")
          .isEmpty();
      assertThat(get(first, "/metrics").statusCode()).isEqualTo(404);
    }

    first.close();

    assertThat(registry.find("ignition.subscriptions").gauge()).isNull();
    assertThat(registry.find("ignition.requests").counters()).isEmpty();
    IgnitionServer second = start(local().meterRegistry(registry).app("acme", Plan.PRO, "k-a"));
    try (WsClient client = WsClient.welcomed(second, "k-a")) {
      client.subscribe("news", 1);
      client.subscribe("sports", 2);
      assertThat(registry.get("ignition.subscriptions").gauge().value()).isEqualTo(2);
      // An op is counted just after its reply goes out.
      await().untilAsserted(() -> assertThat(
          registry.get("ignition.requests").tag("op", "subscribe").counter().count())
          .isEqualTo(2));
    }
  }

  private static void assertOk(JsonObject reply) {
    assertThat(reply.get("op").getAsString()).as("reply %s", reply).isEqualTo("ok");
  }

  /** Returns the bytes of server frames carrying these texts, each with the given header. */
  private static long frameBytes(List<String> texts, int header) {
    return texts.stream().mapToLong(text -> header + text.getBytes(UTF_8).length).sum();
  }

  private PrometheusText scrape(IgnitionServer server) throws Exception {
    HttpResponse<String> response = get(server, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return PrometheusText.parse(response.body());
  }

  private HttpResponse<String> get(IgnitionServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(server, path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> publish(IgnitionServer server, String key, String body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(uri(server, "/v1/publish"))
        .header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(IgnitionServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }
}
