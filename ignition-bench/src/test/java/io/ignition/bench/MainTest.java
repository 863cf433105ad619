package io.ignition.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void help_eachSubcommand_describesItsOptions() {
    assertThat(run("load", "--help")).isZero();
    assertThat(run("idle", "--help")).isZero();
    assertThat(run("jmh", "--help")).isZero();

    assertThat(out.toString()).contains("--subscribers", "--rate", "--spawn-server",
        "--connections", "--quick", "--check");
  }

  @Test
  void load_urlWithoutKey_refusedWithUsageStatus() {
    int status = run("load", "--url", "ws://127.0.0.1:4000");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--url needs --key");
  }

  @Test
  void load_neitherUrlNorSpawn_refusedWithUsageStatus() {
    int status = run("load");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("give either --url (with --key) or --spawn-server");
  }

  @Test
  void load_unknownOption_refusedByTheParser() {
    int status = run("load", "--subscribrs", "10");

    assertThat(status).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--subscribrs");
  }

  @Test
  void load_payloadOverTheLimit_refusedBeforeSpawningAServer() {
    int status = run("load", "--spawn-server", "--server-jar", "/no/such.jar", "-s",
        "2147483647");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("payload must be 48 (a timestamp and a sequence number) "
        + "to 196608 bytes, was 2147483647");
  }

  @Test
  void load_infiniteRate_refusedWithUsageStatus() {
    int status = run("load", "--spawn-server", "--rate", "Infinity");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("rate must be 0 (as fast as possible) to 10000000");
  }

  @Test
  void load_serverPidOfNoProcess_refusedWithUsageStatus() {
    int status = run("load", "--url", "ws://127.0.0.1:4000", "--key", "k", "--server-pid",
        "999999999");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--server-pid 999999999 is no process on this machine");
  }

  @Test
  void load_unresolvableHost_failsNamingIt() {
    int status = run("load", "--url", "ws://no-such-host.invalid:4000", "--key", "k", "-n", "1");

    assertThat(status).isEqualTo(Main.EXIT_FAILED);
    assertThat(err.toString()).contains("cannot resolve the server's host no-such-host.invalid");
  }

  @Test
  void idle_unresolvableHost_failsNamingIt() {
    int status = run("idle", "--url", "ws://no-such-host.invalid:4000", "--key", "k", "-c", "1");

    assertThat(status).isEqualTo(Main.EXIT_FAILED);
    assertThat(err.toString()).contains("cannot resolve the server's host no-such-host.invalid");
  }

  @Test
  void idle_nothingListening_failsWithTheConnectErrors() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    int status = run("idle", "--url", "ws://127.0.0.1:" + closedPort, "--key", "k", "-c", "3");

    assertThat(status).isEqualTo(Main.EXIT_FAILED);
    assertThat(err.toString()).contains("no connection could be made", "Connection refused");
  }

  @Test
  void idle_zeroConnections_refusedBeforeSpawningAServer() {
    int status = run("idle", "--spawn-server", "--server-jar", "/no/such.jar", "-c", "0");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("connections must be at least 1, was 0");
  }

  @Test
  void version_ofEachSubcommand_isTheTools() {
    assertThat(run("load", "--version")).isZero();
    assertThat(run("idle", "--version")).isZero();

    assertThat(out.toString()).contains(Main.VERSION + System.lineSeparator() + Main.VERSION);
  }

  @Test
  void load_keyWithSpawnServer_refusedWithUsageStatus() {
    int status = run("load", "--spawn-server", "--key", "k");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--key and --server-pid go with --url");
  }

  @Test
  void load_urlWithAPathOrAPortOutOfRange_refusedWithUsageStatus() {
    assertThat(run("load", "--url", "ws://127.0.0.1:4000/v1", "--key", "k"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(run("load", "--url", "ws://127.0.0.1:99999", "--key", "k"))
        .isEqualTo(Main.EXIT_USAGE);

    assertThat(err.toString()).contains("--url must be ws://HOST:PORT with a port of 1 to 65535 "
        + "and no path (the tool asks for /v1), was ws://127.0.0.1:4000/v1",
        "was ws://127.0.0.1:99999");
  }

  @Test
  void load_durationBeyondADay_refusedBeforeSpawningAServer() {
    int status = run("load", "--spawn-server", "--server-jar", "/no/such.jar", "--duration",
        "1e10");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--duration must be 0 to 86400 seconds, was 1.0E10");
  }

  @Test
  void load_moreSubscribersThanAnIntHoldsWithAPublisher_refusedByTheOpenFilesCheck() {
    int status = run("load", "--spawn-server", "--server-jar", "/no/such.jar", "-n",
        "2147483647", "-p", "1");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("2147483648 connections need more open files");
  }
}
