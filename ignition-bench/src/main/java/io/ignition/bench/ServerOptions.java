package io.ignition.bench;

import io.ignition.bench.load.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options that choose the server a command talks to: a URL, or one it spawns. */
final class ServerOptions {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String SERVER_JAR = "ignition-server/target/ignition-server.jar";

  @Option(names = "--url", paramLabel = "URL",
      description = "Server's WebSocket base, e.g. ws://127.0.0.1:4000 (needs --key).")
  @Nullable URI url;

  @Option(names = "--key", paramLabel = "KEY", description = "API key for --url.")
  @Nullable String key;

  @Option(names = "--server-pid", paramLabel = "PID",
      description = "Local pid of the --url server, to measure its CPU and heap.")
  @Nullable Long serverPid;

  @Option(names = "--spawn-server",
      description = "Start the shaded server jar in another process on free ports of 127.0.0.1, "
          + "with a generated config holding one app.")
  boolean spawn;

  @Option(names = "--server-jar", paramLabel = "JAR",
      description = "Server jar for --spawn-server. Default: " + SERVER_JAR
          + " under the current directory or next to this jar's module.")
  @Nullable Path serverJar;

  @Option(names = "--plan", defaultValue = "enterprise", paramLabel = "PLAN",
      description = "Spawned server's plan for the app: enterprise (no limits) or metered "
          + "(1e9 requests a day, 100,000 connections). Default: ${DEFAULT-VALUE}.")
  String plan;

  @Option(names = "--server-jvm-arg", paramLabel = "ARG",
      description = "JVM option for the spawned server, repeatable, after the defaults -Xms1g "
          + "-Xmx1g; e.g. --server-jvm-arg=-XX:StartFlightRecording=filename=/tmp/s.jfr")
  List<String> serverJvmArgs = new ArrayList<>();

  /** The server a command runs against; closing it stops a spawned server. */
  record Server(URI url, String key, @Nullable Long pid, @Nullable String plan,
      @Nullable ServerProcess process) implements AutoCloseable {
    /**
     * Refuses to go on once the tool's JVM is exiting: its shutdown hook has stopped the spawned
     * server, and a result printed now would be measured against a server that was going away.
     */
    void requireNotExiting() throws IOException {
      if (process != null && process.stoppedOnExit()) {
        throw new IOException("interrupted: the tool is exiting and has stopped the server it "
            + "spawned");
      }
    }

    /** A step of a run against the server. */
    interface Step<T> {
      T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code step}; when it fails because a spawned server died, says so first, since
     * what the step saw (refused connects, resets) does not.
     */
    <T> T explainFailure(Step<T> step) throws IOException, InterruptedException {
      try {
        return step.run();
      } catch (IOException e) {
        String exited = exited();
        throw exited == null ? e : new IOException(exited + "; " + e.getMessage(), e);
      }
    }

    /** Returns how a spawned server exited, when it did so by itself; else null. */
    @Nullable String exited() {
      return process == null ? null : process.exited();
    }

    @Override
    public void close() {
      if (process != null) {
        process.close();
      }
    }
  }

  /**
   * Spawns the server, or checks the URL options.
   *
   * @throws IllegalArgumentException when the options do not name exactly one server
   */
  Server open(PrintStream log) throws IOException, InterruptedException {
    if (spawn == (url != null)) {
      throw new IllegalArgumentException("give either --url (with --key) or --spawn-server");
    }
    if (spawn && (key != null || serverPid != null)) {
      throw new IllegalArgumentException("--key and --server-pid go with --url; --spawn-server "
          + "makes its own key and knows its pid");
    }
    if (!spawn) {
      if (key == null) {
        throw new IllegalArgumentException("--url needs --key");
      }
      if (serverPid != null && ProcessHandle.of(serverPid).isEmpty()) {
        throw new IllegalArgumentException("--server-pid " + serverPid
            + " is no process on this machine");
      }
      return new Server(checkUrl(url), key, serverPid, null, null);
    }
    List<String> jvmArgs = new ArrayList<>(List.of("-Xms1g", "-Xmx1g"));
    jvmArgs.addAll(serverJvmArgs);
    ServerProcess process = ServerProcess.start(jar(), plan, jvmArgs, START_TIMEOUT);
    log.println("spawned server pid " + process.pid() + " at " + process.url() + " (plan "
        + plan + ", log " + process.log() + ")");
    return new Server(process.url(), process.key(), process.pid(), plan, process);
  }

  private static URI checkUrl(URI given) {
    String path = given.getPath();
    if (!"ws".equalsIgnoreCase(given.getScheme()) || given.getHost() == null
        || given.getPort() < 1 || given.getPort() > 65_535 || given.getQuery() != null
        || given.getFragment() != null || !(path == null || path.isEmpty() || path.equals("/"))) {
      throw new IllegalArgumentException("--url must be ws://HOST:PORT with a port of 1 to "
          + "65535 and no path (the tool asks for /v1), was " + given);
    }
    return given;
  }

  private Path jar() {
    if (serverJar != null) {
      return serverJar;
    }
    Path here = Path.of(SERVER_JAR);
    if (Files.isRegularFile(here)) {
      return here;
    }
    try {
      // ignition-bench/target/ignition-bench.jar -> ../../ignition-server/target/...
      Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = self.getParent() == null ? null : self.getParent().getParent();
      Path beside = root == null || root.getParent() == null ? here
          : root.getParent().resolve(SERVER_JAR);
      return Files.isRegularFile(beside) ? beside : here;
    } catch (URISyntaxException | SecurityException e) {
      return here;
    }
  }
}
