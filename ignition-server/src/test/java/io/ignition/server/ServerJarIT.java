package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded jar as a user would, and talks to it over real sockets. */
class ServerJarIT {
  private static final Pattern LISTENING =
      Pattern.compile("Ignition listening ws=ws://[^:]+:(\\d+)/v1 http=http://[^:]+:(\\d+)");
  private static final Pattern DEV_KEY = Pattern.compile("Development key: (dev-\\S+)");

  private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
  private Process process;

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.destroy();
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("server exits on SIGTERM").isTrue();
    }
  }

  @Test
  void jar_withConfigFile_servesItsApps(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ignition.json");
    Files.writeString(config, "{\"apps\":[{\"id\":\"acme\",\"plan\":\"hobby\","
        + "\"keys\":[\"k-acme-1\",\"k-acme-2\"]}]}");
    start("--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--config", config.toString());

    int port = Integer.parseInt(awaitLine(LISTENING).group(1));

    exchangeEvent(port, "k-acme-1", "k-acme-2");
  }

  @Test
  void jar_withoutConfig_printsWorkingDevelopmentKey() throws Exception {
    start("--host", "127.0.0.1", "--port", "0", "--http-port", "0");

    int port = Integer.parseInt(awaitLine(LISTENING).group(1));
    String key = awaitLine(DEV_KEY).group(1);

    exchangeEvent(port, key, key);
  }

  @Test
  void jar_afterAnExchange_servesItsMetrics() throws Exception {
    start("--host", "127.0.0.1", "--port", "0", "--http-port", "0");
    Matcher listening = awaitLine(LISTENING);
    String key = awaitLine(DEV_KEY).group(1);
    URI metrics = URI.create("http://127.0.0.1:" + listening.group(2) + "/metrics");

    exchangeEvent(Integer.parseInt(listening.group(1)), key, key);

    HttpClient http = HttpClient.newHttpClient();
    await().untilAsserted(() -> {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      PrometheusText scrape = PrometheusText.parse(response.body());
      assertThat(scrape.value("ignition_connections_accepted_total")).isEqualTo(2);
      assertThat(scrape.value("ignition_connections_open", "plan", "pro")).isZero();
      assertThat(scrape.value("ignition_events_delivered_total")).isEqualTo(1);
      assertThat(scrape.series("jvm_memory_used_bytes")).isNotEmpty();
    });
  }

  @Test
  void jar_invalidConfig_exitsWithMessageNamingTheProblem(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("bad.json");
    Files.writeString(config, "{\"apps\":[{\"id\":\"acme\",\"plan\":\"gold\",\"keys\":[\"k\"]}]}");
    start("--port", "0", "--http-port", "0", "--config", config.toString());

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isEqualTo(2);
    String line = awaitLine(Pattern.compile("ignition-server: (.*)")).group(1);
    assertThat(line).contains("bad.json", "apps[0].plan", "unknown plan \"gold\"");
    assertThat(String.join("\n", drained())).doesNotContain("\tat ");
  }

  @Test
  void jar_dedicatedToken_admitsOnlyThatTokenAndCountsNoQuota() throws Exception {
    startWithEnvironment(Map.of("IGNITION_DEDICATED_TOKEN", "t-dedicated"),
        "--host", "127.0.0.1", "--port", "0", "--http-port", "0");
    int port = Integer.parseInt(awaitLine(LISTENING).group(1));
    URI base = URI.create("ws://127.0.0.1:" + port + "/v1?key=");

    try (WsClient client = WsClient.open(URI.create(base + "t-dedicated"), Map.of())) {
      assertThat(client.next().get("plan").getAsString()).isEqualTo("enterprise");
      // Well past the hobby plan's 100 requests a day.
      for (int id = 1; id <= 250; id++) {
        JsonObject reply = client.request("{\"op\":\"emit\",\"id\":" + id
            + ",\"channel\":\"news\",\"event\":\"e\",\"data\":" + id + "}", id);
        assertThat(reply.get("op").getAsString()).as("emit %d: %s", id, reply).isEqualTo("ok");
      }
      JsonObject info = client.request("{\"op\":\"info\",\"id\":999}", 999)
          .getAsJsonObject("data");
      assertThat(info.get("app").getAsString()).isEqualTo("dedicated");
      assertThat(info.getAsJsonObject("usage").get("requestsLeft").getAsLong()).isEqualTo(-1);
    }
    try (WsClient wrong = WsClient.open(URI.create(base + "t-wrong"), Map.of())) {
      assertThat(wrong.awaitClose().code()).isEqualTo(4001);
    }
  }

  @Test
  void jar_dedicatedTokenWithConfig_exitsWithMessage(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ignition.json");
    Files.writeString(config, "{\"apps\":[]}");
    start("--port", "0", "--http-port", "0", "--config", config.toString(),
        "--dedicated-token", "t-dedicated");

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(awaitLine(Pattern.compile("ignition-server: (.*)")).group(1))
        .contains("--dedicated-token and --config exclude each other");
  }

  @Test
  void jar_configWithAdminToken_servesAdminApiAndSavesItsChanges(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("ignition.json");
    Files.writeString(config, "{\"adminToken\":\"t-admin\",\"plans\":{\"tiny\":"
        + "{\"dailyRequests\":20,\"connections\":3}},"
        + "\"apps\":[{\"id\":\"acme\",\"plan\":\"tiny\",\"keys\":[\"k-acme-1\"]}]}");
    start("--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--config", config.toString());
    Matcher listening = awaitLine(LISTENING);
    URI admin = URI.create("http://127.0.0.1:" + listening.group(2) + "/admin/apps/acme/keys");

    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin)
        .header("Authorization", "Bearer t-admin").POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String key = JsonParser.parseString(created.body()).getAsJsonObject().get("key").getAsString();
    assertThat(Files.readString(config)).contains(key, "t-admin", "tiny");
    exchangeEvent(Integer.parseInt(listening.group(1)), key, "k-acme-1");
  }

  @Test
  void jar_sigterm_deliversAcknowledgedEventsCloses1001Answers503AndExits0() throws Exception {
    start("--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--shutdown-grace", "3");
    Matcher listening = awaitLine(LISTENING);
    int port = Integer.parseInt(listening.group(1));
    URI healthz = URI.create("http://127.0.0.1:" + listening.group(2) + "/healthz");
    URI base = URI.create("ws://127.0.0.1:" + port + "/v1?key=" + awaitLine(DEV_KEY).group(1));
    try (WsClient subscriber = WsClient.open(base, Map.of());
        WsClient publisher = WsClient.open(base, Map.of());
        RawWsClient lingering = RawWsClient.connect(port, base.getRawPath() + "?"
            + base.getRawQuery())) {
      subscriber.next();
      publisher.next();
      assertThat(lingering.nextText()).startsWith("{\"op\":\"welcome\"");
      subscriber.subscribe("news", 1);
      for (int seq = 1; seq <= 200; seq++) {
        publisher.send("{\"op\":\"emit\",\"id\":" + seq + ",\"channel\":\"news\","
            + "\"event\":\"e\",\"data\":" + seq + "}");
      }
      for (int seq = 1; seq <= 200; seq++) {
        assertThat(publisher.next().get("id").getAsInt()).as("ack").isEqualTo(seq);
      }
      long signalled = System.nanoTime();

      // SIGTERM, as Process.destroy() sends, but without closing the pipes of its output.
      assertThat(process.toHandle().destroy()).isTrue();

      // The lingering client never answers the close, so the server drains for the whole grace.
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(http.send(HttpRequest.newBuilder(healthz).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503));
      awaitLine(Pattern.compile("Shutting down graceSeconds=3"));
      for (int seq = 1; seq <= 200; seq++) {
        assertThat(subscriber.next().get("data").getAsInt()).isEqualTo(seq);
      }
      WsClient.Closed closed = subscriber.awaitClose();
      assertThat(closed.code()).isEqualTo(1001);
      assertThat(closed.reason()).contains("shutting down");
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exits").isTrue();
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      assertThat(process.exitValue()).isZero();
      assertThat(tookMillis).as("exit after SIGTERM, ms").isBetween(3_000L, 8_000L);
      assertThat(lingering.readToEnd()).isEqualTo(1001);
    }
  }

  private void exchangeEvent(int port, String subscriberKey, String publisherKey) {
    URI base = URI.create("ws://127.0.0.1:" + port + "/v1?key=");
    try (WsClient subscriber = WsClient.open(URI.create(base + subscriberKey), Map.of());
        WsClient publisher = WsClient.open(URI.create(base + publisherKey), Map.of())) {
      subscriber.next();
      publisher.next();
      subscriber.subscribe("news", 1);

      publisher.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"hello\",\"data\":[1]}");

      JsonObject event = subscriber.next();
      assertThat(event.get("event").getAsString()).isEqualTo("hello");
      assertThat(event.get("data").toString()).isEqualTo("[1]");
    }
  }

  private void start(String... args) throws IOException {
    startWithEnvironment(Map.of(), args);
  }

  private void startWithEnvironment(Map<String, String> environment, String... args)
      throws IOException {
    Path jar = Paths.get(System.getProperty("ignition.jar", "target/ignition-server.jar"));
    assertThat(jar).as("run 'mvn package' first").exists();
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("IGNITION_"));
    builder.environment().putAll(environment);
    process = builder.start();
    Thread reader = new Thread(() -> readLines(process), "jar-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLines(Process running) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("<output closed: " + e + ">");
    }
  }

  private Matcher awaitLine(Pattern pattern) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = output.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        continue;
      }
      seen.add(line);
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        output.addAll(seen);
        return matcher;
      }
    }
    throw new AssertionError("no line matching " + pattern + " in:\n" + String.join("\n", seen));
  }

  private List<String> drained() {
    List<String> lines = new ArrayList<>();
    output.drainTo(lines);
    return lines;
  }

  private static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }
}
