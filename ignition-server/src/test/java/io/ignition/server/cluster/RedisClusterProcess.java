package io.ignition.server.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;

/** A private three-primary Redis Cluster on free ports, made with redis-cli --cluster create. */
final class RedisClusterProcess implements AutoCloseable {
  private final List<Process> servers = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  private RedisClusterProcess() {}

  static RedisClusterProcess start(Path dir) throws IOException, InterruptedException {
    RedisClusterProcess cluster = new RedisClusterProcess();
    for (int i = 0; i < 3; i++) {
      cluster.startServer(dir, freePort());
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    cluster.ports.forEach(port -> create.add("127.0.0.1:" + port));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process made = new ProcessBuilder(create).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!made.waitFor(30, TimeUnit.SECONDS) || made.exitValue() != 0) {
      cluster.close();
      throw new IOException("redis-cli --cluster create failed");
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(cluster::healthy);
    return cluster;
  }

  private void startServer(Path dir, int port) throws IOException {
    Path nodeDir = Files.createDirectories(dir.resolve("node-" + port));
    servers.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
        "--save", "", "--appendonly", "no", "--dir", nodeDir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    ports.add(port);
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        return "PONG".equals(jedis.ping());
      }
    });
  }

  private boolean healthy() {
    return ports.stream().allMatch(port -> {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        return jedis.clusterInfo().contains("cluster_state:ok");
      }
    });
  }

  /** Returns the address of one of the primaries, which is all a node needs. */
  URI uri() {
    return URI.create("redis://127.0.0.1:" + ports.get(0));
  }

  List<Integer> ports() {
    return List.copyOf(ports);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process server : servers) {
      server.destroyForcibly();
      try {
        server.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
