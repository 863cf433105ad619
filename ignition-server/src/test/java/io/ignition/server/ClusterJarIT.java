package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** Three nodes as separate processes of the shaded jar, joined by the Redis at 127.0.0.1:6379. */
class ClusterJarIT {
  private static final String CONFIG = "{\"plans\":{"
      + "\"metered\":{\"dailyRequests\":1000,\"connections\":50},"
      + "\"small\":{\"dailyRequests\":100000,\"connections\":4}},\"apps\":["
      + "{\"id\":\"acme\",\"plan\":\"enterprise\",\"keys\":[\"k-acme\"]},"
      + "{\"id\":\"meter\",\"plan\":\"metered\",\"keys\":[\"k-meter\"]},"
      + "{\"id\":\"tiny\",\"plan\":\"small\",\"keys\":[\"k-tiny\"]}]}";

  private final String prefix = "it-" + UUID.randomUUID() + ":";
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startThreeNodes(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("apps.json");
    Files.writeString(config, CONFIG);
    for (int i = 0; i < 3; i++) {
      nodes.add(ServerProcess.start("--host", "127.0.0.1", "--port", "0", "--http-port", "0",
          "--config", config.toString(), "--redis", "redis://127.0.0.1:6379",
          "--redis-prefix", prefix, "--redis-lease", "2"));
    }
    for (ServerProcess node : nodes) {
      node.awaitLine(Pattern.compile("mode=cluster"));
    }
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (ServerProcess node : nodes) {
      node.close();
    }
    RedisTestKeys.deleteAll(prefix);
  }

  @Test
  void events_fromEveryNodeAndHttp_reachEverySubscriberOnceInOrder() throws Exception {
    try (WsClient onA = client(0, "k-acme");
        WsClient onB = client(1, "k-acme");
        WsClient publisherOnB = client(1, "k-acme")) {
      onA.subscribe("news", 1);
      onB.subscribe("news", 1);

      for (int n = 0; n < 500; n++) {
        publisherOnB.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"n\",\"data\":" + n
            + "}");
      }
      HttpResponse<String> published = publish(2, "k-acme",
          "{\"channel\":\"news\",\"event\":\"http\",\"data\":\"from C\"}");

      assertThat(published.statusCode()).isEqualTo(202);
      for (WsClient subscriber : List.of(onA, onB)) {
        List<Integer> numbers = new ArrayList<>();
        JsonObject fromHttp = null;
        while (numbers.size() < 500 || fromHttp == null) {
          JsonObject event = subscriber.next();
          if (event.get("event").getAsString().equals("http")) {
            assertThat(fromHttp).as("the HTTP event arrives once").isNull();
            fromHttp = event;
          } else {
            numbers.add(event.get("data").getAsInt());
          }
        }
        assertThat(numbers).as("in order, each once").isEqualTo(range(500));
        assertThat(fromHttp.get("data").getAsString()).isEqualTo("from C");
      }
      assertThat(onA.request("{\"op\":\"ping\",\"id\":9}", 9).get("id").getAsInt())
          .as("nothing more arrived before the ping reply").isEqualTo(9);
    }
  }

  @Test
  void subscribe_okThenPublishOnAnotherNodeAtOnce_deliversEveryRound() throws Exception {
    try (WsClient subscriber = client(0, "k-acme");
        WsClient publisher = client(2, "k-acme")) {
      for (int round = 0; round < 100; round++) {
        subscriber.subscribe("race-" + round, round + 1);
        publisher.send("{\"op\":\"emit\",\"channel\":\"race-" + round + "\",\"event\":\"e\"}");

        assertThat(subscriber.next().get("channel").getAsString()).isEqualTo("race-" + round);
      }
    }
  }

  @Test
  void dailyLimit_spreadOverThreeNodes_isExactAndRefusedWhereverItLands() throws Exception {
    List<WsClient> clients = List.of(client(0, "k-meter"), client(1, "k-meter"),
        client(2, "k-meter"));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<Integer>> admitted = new ArrayList<>();
    for (WsClient client : clients) {
      admitted.add(pool.submit(() -> emitUntilRefused(client)));
    }
    int total = 0;
    for (Future<Integer> each : admitted) {
      total += each.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    clients.forEach(WsClient::close);

    assertThat(total).as("emits admitted after the three connections").isEqualTo(997);
    String counter = prefix + "req:meter:" + LocalDate.now(ZoneOffset.UTC).toEpochDay();
    try (RedisClient redis = RedisClient.builder().hostAndPort("127.0.0.1", 6379).build()) {
      assertThat(redis.get(counter)).isEqualTo("1000");
      assertThat(redis.ttl(counter)).as("expires with its day").isBetween(1L, 86_460L);
    }
  }

  @Test
  void killedNode_connectionShareStopsCountingWithinThirtySeconds() throws Exception {
    List<WsClient> onDoomed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      onDoomed.add(client(2, "k-tiny"));
    }
    try (WsClient survivor = client(0, "k-tiny")) {
      assertThat(connections(0)).isEqualTo(4);
      try (WsClient refused = WsClient.connect(port(1), "k-tiny")) {
        assertThat(refused.awaitClose().code()).as("4 of 4 held").isEqualTo(4029);
      }

      nodes.get(2).kill();

      await().atMost(Duration.ofSeconds(30)).until(() -> connections(0) == 1);
      try (WsClient admitted = client(1, "k-tiny")) {
        assertThat(connections(1)).isEqualTo(2);
        assertThat(admitted.request("{\"op\":\"ping\",\"id\":1}", 1).get("op").getAsString())
            .isEqualTo("ok");
      }
      assertThat(survivor.request("{\"op\":\"ping\",\"id\":1}", 1).get("op").getAsString())
          .as("the survivor's connection was never disturbed").isEqualTo("ok");
    } finally {
      onDoomed.forEach(WsClient::abort);
    }
  }

  private static int emitUntilRefused(WsClient client) {
    int admitted = 0;
    for (long id = 1; ; id++) {
      JsonObject reply = client.request("{\"op\":\"emit\",\"id\":" + id
          + ",\"channel\":\"c\",\"event\":\"e\"}", id);
      if (!reply.get("op").getAsString().equals("ok")) {
        assertThat(reply.get("code").getAsString()).isEqualTo("quota_exceeded");
        return admitted;
      }
      admitted++;
    }
  }

  private int connections(int node) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + nodes.get(node).httpPort() + "/v1/info"))
        .header("Authorization", "Bearer k-tiny")
        .build();
    String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    return JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("usage")
        .get("connections").getAsInt();
  }

  private HttpResponse<String> publish(int node, String key, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + nodes.get(node).httpPort() + "/v1/publish"))
        .header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private WsClient client(int node, String key) {
    WsClient client = WsClient.connect(port(node), key);
    assertThat(client.next().get("op").getAsString()).isEqualTo("welcome");
    return client;
  }

  private int port(int node) {
    return nodes.get(node).port();
  }

  private static List<Integer> range(int count) {
    List<Integer> numbers = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      numbers.add(n);
    }
    return numbers;
  }
}
