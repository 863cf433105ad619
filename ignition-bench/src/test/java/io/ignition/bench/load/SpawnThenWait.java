package io.ignition.bench.load;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the tool in a process of its own: spawns a server, prints its pid, and waits
 * to be stopped from outside. {@link ServerProcessTest} runs it.
 */
final class SpawnThenWait {
  private SpawnThenWait() {}

  public static void main(String[] args) throws Exception {
    ServerProcess server = SpawnedServer.start(Path.of(args[0]));
    System.out.println("server pid " + server.pid());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
