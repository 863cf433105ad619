package io.ignition.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.ignition.core.Plan;
import io.ignition.server.IgnitionServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoadRunTest {
  private static final String KEY = "k-load-test";
  private static final String TINY_KEY = "k-load-tiny";

  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
  private IgnitionServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = IgnitionServer.builder().host("127.0.0.1").port(0).httpPort(-1)
        .app("bench", Plan.ENTERPRISE, KEY)
        .app("tiny", new Plan("tiny", 45, 100), TINY_KEY).build();
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private LoadResult run(double rate, double warmupSeconds, double durationSeconds)
      throws Exception {
    return run(KEY, rate, warmupSeconds, durationSeconds);
  }

  private LoadResult run(String key, double rate, double warmupSeconds, double durationSeconds)
      throws Exception {
    return run(key, rate, 100, warmupSeconds, durationSeconds);
  }

  private LoadResult run(String key, double rate, int payloadBytes, double warmupSeconds,
      double durationSeconds) throws Exception {
    LoadSettings settings = new LoadSettings(URI.create("ws://127.0.0.1:" + server.port()), key,
        20, 2, 2, rate, payloadBytes, seconds(warmupSeconds), seconds(durationSeconds), 2, 8, 16,
        Duration.ofSeconds(5));
    try (LoadRun run = new LoadRun(settings, ProcessHandle.current().pid(), "enterprise",
        new PrintStream(progress, true, StandardCharsets.UTF_8))) {
      return run.run();
    }
  }

  private static Duration seconds(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000));
  }

  @Test
  void run_atRate_deliversEveryMeasuredEventInOrder() throws Exception {
    LoadResult result = run(200, 0.5, 1.5);

    // 200 emits/s for 1.5 s over 2 channels of 10 subscribers: about 300 emits, 3,000 deliveries.
    assertThat(result.connect().ready()).isEqualTo(20);
    assertThat(result.publishes().count()).isBetween(250L, 350L);
    assertThat(result.deliveries().count()).isEqualTo(result.publishes().count() * 10)
        .isEqualTo(result.deliveries().expected());
    assertThat(result.deliveries().lost()).isZero();
    assertThat(result.deliveries().outOfOrder()).isZero();
    assertThat(result.latencyMillis().samples()).isEqualTo(result.deliveries().count());
    assertThat(result.latencyMillis().max()).isGreaterThan(0);
    assertThat(result.errors().errorFrames()).isEmpty();
    assertThat(result.errors().closes()).isEmpty();
    assertThat(result.server().cpuSeconds()).isNotNull();
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("deliveries/s");
  }

  @Test
  void run_flatOut_losesNothing() throws Exception {
    LoadResult result = run(0, 0.2, 1.0);

    assertThat(result.deliveries().count()).isPositive()
        .isEqualTo(result.deliveries().expected());
    assertThat(result.deliveries().lost()).isZero();
    assertThat(result.deliveries().outOfOrder()).isZero();
    assertThat(result.errors().closes()).isEmpty();
    assertThat(result.problems()).isEmpty();
  }

  @Test
  void run_planRunsOut_reportsRefusalsAndTheClose() throws Exception {
    LoadResult result = run(TINY_KEY, 100, 0.2, 1.0);

    // 45 requests a day: 22 connections and 20 subscribes leave 3 emits, then refusals.
    assertThat(result.publishes().refused()).isPositive();
    assertThat(result.errors().errorFrames()).containsKey("quota_exceeded");
    assertThat(result.errors().closes().keySet()).anyMatch(close -> close.startsWith("4029"));
    assertThat(result.deliveries().lost()).isZero();
  }

  @Test
  @Timeout(20)
  void run_serverClosesEveryPublisher_stopsEarlyAndSaysWhy() throws Exception {
    // 70,000-byte emits are over the server's 65,536-byte message limit: it closes with 1009.
    // The first progress line, where the run notices, falls on the end of the 1 s warm-up.
    LoadResult result = run(KEY, 0, 70_000, 1.0, 60);

    assertThat(result.errors().closes().keySet()).isNotEmpty()
        .allMatch(close -> close.startsWith("1009 publisher"));
    assertThat(result.notes()).anyMatch(note -> note.startsWith("every publisher's connection "
        + "ended (see closes); the run stopped 1.0 s in, before the measured window"));
    assertThat(result.config().durationSeconds()).isZero();
    assertThat(result.deliveries().count()).isZero();
    assertThat(result.problems()).anyMatch(problem -> problem.startsWith("connections closed"))
        .anyMatch(problem -> problem.contains("nothing was measured"));
  }
}
