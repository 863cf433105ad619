package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.Usage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO endpoint against the clients Ignition's JavaScript apps use: socket.io-client 4.8,
 * crypto-js and raw frames from ws, run by node from interop-js/socketio-interop.mjs, one scenario
 * per test, against a server on an ephemeral port. Skipped when node or the npm packages are
 * missing ({@code npm ci --prefix interop-js} installs them).
 */
class SocketIoInteropTest {
  private static final Path INTEROP = Path.of(System.getProperty("ignition.interopDir",
      "../interop-js"));
  private static final String SCRIPT = "socketio-interop.mjs";
  private static final long NODE_TIMEOUT_SECONDS = 90;

  private IgnitionServer server;

  @BeforeAll
  static void requireNode() {
    assumeTrue(nodeFinds("socket.io-client", "ws", "crypto-js"), "node or the npm packages"
        + " socket.io-client, ws and crypto-js not found from " + INTEROP.toAbsolutePath()
        + "; run 'npm ci --prefix interop-js' (the README's test command does)");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void connect_authTokenOrKeyNamespace_bothConnectAlsoOnOneSharedConnection() throws Exception {
    start(builder -> builder);

    assertPasses("connect-forms");

    awaitSlotsReleased("acme");
  }

  @Test
  void joinAndLeave_objectOrBareChannel_acknowledgedAndApplied() throws Exception {
    start(builder -> builder);

    assertPasses("join-leave");

    awaitSlotsReleased("acme");
  }

  @Test
  void message_amongSocketIoAndNativeMembers_reachesEveryOtherMemberUntouched() throws Exception {
    start(builder -> builder);

    assertPasses("message");

    awaitSlotsReleased("acme");
  }

  @Test
  void info_acknowledgedWithUsage_isNotCountedAsRequest() throws Exception {
    start(builder -> builder);

    assertPasses("info");

    assertThat(usage("acme").requestsToday()).as("one connect and one JOIN").isEqualTo(2);
    awaitSlotsReleased("acme");
  }

  @Test
  void connect_badOrMissingKey_getsErrorThenDisconnect() throws Exception {
    start(builder -> builder);

    assertPasses("bad-key");

    assertThat(usage("acme").requestsToday()).isZero();
  }

  @Test
  void requests_pastDailyOrConnectionLimit_getErrorThenDisconnect() throws Exception {
    start(builder -> builder);

    assertPasses("quota");

    assertThat(usage("limited").requestsToday()).isEqualTo(4);
    awaitSlotsReleased("limited");
    awaitSlotsReleased("solo");
  }

  @Test
  void heartbeat_idleForManyIntervals_staysConnectedWhileMuteClientIsDropped() throws Exception {
    start(builder -> builder.socketIoPingInterval(Duration.ofSeconds(1))
        .socketIoPingTimeout(Duration.ofSeconds(1)));

    assertPasses("heartbeat", Map.of("IGNITION_PING_MS", "1000"));

    awaitSlotsReleased("acme");
  }

  @Test
  void malformedPackets_endOnlyTheirSessionOrGetAnError() throws Exception {
    start(builder -> builder);

    assertPasses("malformed");

    awaitSlotsReleased("acme");
  }

  @Test
  void polling_isRefusedWith400SayingToUseWebsocket() throws Exception {
    start(builder -> builder);

    assertPasses("polling");
  }

  @Test
  void shutdown_closes1001WithoutDisconnect_soSocketIoClientReconnects() throws Exception {
    start(builder -> builder);

    assertPasses("shutdown", Map.of(), "READY", server::close);

    awaitSlotsReleased("acme");
  }

  private void start(UnaryOperator<IgnitionServer.Builder> settings) throws IOException {
    server = settings.apply(IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.PRO, "k-acme", "k-acme-2")
        .app("limited", new Plan("limited", 4, 10), "k-limited")
        .app("solo", new Plan("solo", Plan.UNLIMITED, 1), "k-solo"))
        .build();
    server.start();
  }

  private void assertPasses(String scenario) throws Exception {
    assertPasses(scenario, Map.of());
  }

  private void assertPasses(String scenario, Map<String, String> extraEnv) throws Exception {
    assertPasses(scenario, extraEnv, null, () -> { });
  }

  /** Runs a scenario; when it prints the line {@code cue}, runs {@code action} beside it. */
  private void assertPasses(String scenario, Map<String, String> extraEnv, String cue,
      Runnable action) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "IGNITION_PORT", Integer.toString(server.port()),
        "IGNITION_KEY", "k-acme",
        "IGNITION_KEY2", "k-acme-2",
        "IGNITION_LIMITED_KEY", "k-limited",
        "IGNITION_SOLO_KEY", "k-solo",
        "IGNITION_SECRET", "RADHA"));
    env.putAll(extraEnv);

    NodeRun run = node(List.of("node", SCRIPT, scenario), env, cue, action);

    assertThat(run.output()).as("node output").contains("PASS " + scenario);
    assertThat(run.exitCode()).as("node exit code; output:%n%s", run.output()).isZero();
  }

  private Usage usage(String appId) {
    App app = server.hub().keys().app(appId);
    return server.hub().quotas().usage(app);
  }

  private void awaitSlotsReleased(String appId) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(usage(appId).connections()).as("open connections of " + appId).isZero());
  }

  private static boolean nodeFinds(String... packages) {
    StringBuilder script = new StringBuilder();
    for (String name : packages) {
      script.append("require.resolve('").append(name).append("');");
    }
    try {
      return node(List.of("node", "-e", script.toString()), Map.of(), null, () -> { })
          .exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** What node printed (stdout and stderr) and how it exited. */
  private record NodeRun(int exitCode, String output) {}

  private static NodeRun node(List<String> command, Map<String, String> env, String cue,
      Runnable action) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(INTEROP.toFile())
        .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() ->
        readAll(process, cue, action));
    try {
      if (!process.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("node did not finish within " + NODE_TIMEOUT_SECONDS + " s: "
            + command);
      }
      return new NodeRun(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + command, e);
    } catch (Exception e) {
      throw new IOException("cannot read the output of " + command, e);
    }
  }

  /** Reads the output line by line; on the line {@code cue}, starts {@code action}. */
  private static String readAll(Process process, String cue, Runnable action) {
    StringBuilder output = new StringBuilder();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.append(line).append('\n');
        if (line.equals(cue)) {
          CompletableFuture.runAsync(action);
        }
      }
      return output.toString();
    } catch (IOException e) {
      return output + "<output unreadable: " + e + ">";
    }
  }
}
