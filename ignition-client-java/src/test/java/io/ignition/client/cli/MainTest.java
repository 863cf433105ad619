package io.ignition.client.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonParser;
import io.ignition.core.Plan;
import io.ignition.server.IgnitionServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command-line client, run in-process against the real server on an ephemeral port. */
class MainTest {

  private IgnitionServer server;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  @BeforeEach
  void startServer() throws IOException {
    server = IgnitionServer.builder().host("127.0.0.1").port(0).httpPort(-1)
        .app("acme", Plan.HOBBY, "k-acme-1").build();
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void subscribe_eventsEmittedByAnotherRun_printsOneLinePerEventAndExitsAfterCount()
      throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> subscriber = CompletableFuture.supplyAsync(() -> Main.run(
        args("--encryption-key", "RADHA", "subscribe", "news", "-n", "2"),
        new PrintWriter(out, true), new PrintWriter(err, true)));
    await().atMost(10, SECONDS).until(() -> err.toString().contains("subscribed to news"));

    Run text = run("--encryption-key", "RADHA", "emit", "news", "update", "hello world");
    Run json = run("--encryption-key", "RADHA", "emit", "news", "update", "{\"a\":[1,2]}");

    assertThat(text.status()).isZero();
    assertThat(json.status()).isZero();
    assertThat(subscriber.get(10, SECONDS)).isZero();
    assertThat(out.toString().lines()).containsExactly(
        "news update \"hello world\"", "news update {\"a\":[1,2]}");
  }

  @Test
  void info_connected_printsPlanLimitsAndUsage() {
    Run info = run("info");

    assertThat(info.status()).isZero();
    assertThat(info.out()).contains("app: acme", "plan: hobby",
        "limits: dailyRequests=100 connections=10");
  }

  @Test
  void anyCommand_badKey_exitsWithStatus1AndTheReason() {
    Run run = runWithKey("k-wrong", "info");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("close code 4001");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void help_printsUsageWithTheCommands() {
    Run run = exec("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("--url=URL", "--key=KEY", "--encryption-key", "subscribe",
        "emit", "info");
  }

  @Test
  void usageErrors_missingKeyOrCommand_exitWithStatus2() {
    Run noKey = exec("--url", "ws://127.0.0.1:1", "info");
    Run noCommand = run();

    assertThat(noKey.status()).isEqualTo(2);
    assertThat(noKey.err()).contains("Missing required option: '--key=KEY'");
    assertThat(noCommand.status()).isEqualTo(2);
    assertThat(noCommand.err()).contains("Missing command: subscribe, emit or info");
  }

  @Test
  void parseData_jsonOrText_sendsJsonWhenItIsJson() {
    assertThat(Main.parseData("{\"a\":1}")).isEqualTo(JsonParser.parseString("{\"a\":1}"));
    assertThat(Main.parseData("56")).isEqualTo(JsonParser.parseString("56"));
    assertThat(Main.parseData("hello world")).isEqualTo("hello world");
    assertThat(Main.parseData("{oops")).isEqualTo("{oops");
  }

  private Run run(String... command) {
    return runWithKey("k-acme-1", command);
  }

  private Run runWithKey(String key, String... command) {
    List<String> all = new ArrayList<>(List.of("--url", "ws://127.0.0.1:" + server.port(),
        "--key", key, "--timeout", "5"));
    all.addAll(List.of(command));
    return exec(all.toArray(String[]::new));
  }

  private String[] args(String... command) {
    List<String> all = new ArrayList<>(List.of("--url", "ws://127.0.0.1:" + server.port(),
        "--key", "k-acme-1"));
    all.addAll(List.of(command));
    return all.toArray(String[]::new);
  }

  private static Run exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }
}
