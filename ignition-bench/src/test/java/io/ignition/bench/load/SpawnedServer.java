package io.ignition.bench.load;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Spawns the shaded server jar with a small heap, for tests of the tool's server handling. */
public final class SpawnedServer {
  /** Built by the server module's package phase, which runs before this module's tests. */
  public static final Path JAR = Path.of("../ignition-server/target/ignition-server.jar");

  private SpawnedServer() {}

  /** Starts a server; skips the calling test, saying why, when the jar has not been built. */
  public static ServerProcess start() throws IOException, InterruptedException {
    assumeBuilt();
    return start(JAR);
  }

  /** Skips the calling test, saying why, when the jar has not been built. */
  public static void assumeBuilt() {
    assumeTrue(Files.isRegularFile(JAR),
        "needs the shaded server jar: run mvn verify from the repository root");
  }

  static ServerProcess start(Path jar) throws IOException, InterruptedException {
    return ServerProcess.start(jar, "enterprise", List.of("-Xms64m", "-Xmx256m"),
        Duration.ofSeconds(60));
  }
}
