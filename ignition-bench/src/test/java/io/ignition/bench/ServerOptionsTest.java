package io.ignition.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ignition.bench.load.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerOptionsTest {
  /** Built by the server module's package phase, which runs before this module's tests. */
  private static final Path SERVER_JAR = Path.of("../ignition-server/target/ignition-server.jar");

  @Test
  @Timeout(120)
  void explainFailure_spawnedServerDied_namesItBeforeWhatTheRunSaw() throws Exception {
    assumeTrue(Files.isRegularFile(SERVER_JAR),
        "needs the shaded server jar: run mvn verify from the repository root");
    ServerProcess process = ServerProcess.start(SERVER_JAR, "enterprise",
        List.of("-Xms64m", "-Xmx256m"), Duration.ofSeconds(60));
    try (ServerOptions.Server server = new ServerOptions.Server(process.url(), process.key(),
        process.pid(), "enterprise", process)) {
      ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
      handle.destroyForcibly();
      handle.onExit().get(30, TimeUnit.SECONDS);

      assertThatThrownBy(() -> server.explainFailure(() -> {
        throw new IOException("no subscriber could connect");
      })).isInstanceOf(IOException.class).hasMessage("the spawned server exited with status 137 "
          + "(signal 9); its log: " + process.log() + "; no subscriber could connect");
      assertThat(server.explainFailure(() -> "a result")).isEqualTo("a result");
    }
  }
}
