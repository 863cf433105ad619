package io.ignition.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerProcessTest {
  @Test
  @Timeout(120)
  void toolStoppedBySigterm_stopsTheServerItSpawned() throws Exception {
    SpawnedServer.assumeBuilt();
    Process tool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        SpawnThenWait.class.getName(), SpawnedServer.JAR.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Optional<ProcessHandle> server = Optional.empty();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("server pid ");
      server = ProcessHandle.of(Long.parseLong(line.substring("server pid ".length())));
      assertThat(server).isPresent();

      tool.destroy();

      assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(server.get().onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      tool.destroyForcibly();
      server.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  @Timeout(120)
  void exited_serverKilled_saysHowAndWhereItsLogIs() throws Exception {
    try (ServerProcess server = SpawnedServer.start()) {
      assertThat(server.exited()).isNull();

      ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
      handle.destroyForcibly();
      handle.onExit().get(30, TimeUnit.SECONDS);

      assertThat(server.exited()).isEqualTo("the spawned server exited with status 137 (signal 9)"
          + "; its log: " + server.log());
      assertThat(server.stoppedOnExit()).isFalse();
    }
  }
}
