package io.ignition.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ignition.bench.load.ServerProcess;
import io.ignition.bench.load.SpawnedServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerOptionsTest {
  @Test
  @Timeout(120)
  void explainFailure_spawnedServerDied_namesItBeforeWhatTheRunSaw() throws Exception {
    ServerProcess process = SpawnedServer.start();
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
