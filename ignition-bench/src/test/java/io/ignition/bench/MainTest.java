package io.ignition.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
}
