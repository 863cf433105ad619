package io.ignition.bench.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An Ignition server the tool runs in a process of its own: the shaded server jar with a generated
 * config holding one app, {@code bench}, on free ports of 127.0.0.1. Its log goes to a file.
 *
 * <p>Plans: {@code enterprise} (no limits, no quota bookkeeping), or {@code metered}, a plan with
 * limits too high to reach in a run (a billion requests a day, 100,000 connections), so that a
 * run on it measures the cost of quota bookkeeping and nothing else. It takes messages of up to
 * 256 KiB, so that the largest payload the tool sends fits.
 *
 * <p>The server stops when {@link #close} is called, and when the tool's JVM exits any other way
 * it can run a shutdown hook (the end of {@code main}, Ctrl-C, SIGTERM). SIGKILL of the tool
 * leaves it running. Its directory (config and log) is kept, for the log.
 */
public final class ServerProcess implements AutoCloseable {
  /** The plan names {@link #start} accepts. */
  public static final List<String> PLANS = List.of("enterprise", "metered");

  private static final Pattern LISTENING =
      Pattern.compile("Ignition listening ws=ws://[^ ]+:(\\d+)/v1 http=http://[^ ]+:(\\d+)");
  private static final long POLL_MILLIS = 50;
  private static final int MAX_FRAME_BYTES = 256 * 1024;

  private final Process process;
  private final Thread stopOnExit;
  private final AtomicBoolean exiting;
  private final Path log;
  private final String key;
  private final int port;
  private final int httpPort;

  private ServerProcess(Process process, Thread stopOnExit, AtomicBoolean exiting, Path log,
      String key, int port, int httpPort) {
    this.process = process;
    this.stopOnExit = stopOnExit;
    this.exiting = exiting;
    this.log = log;
    this.key = key;
    this.port = port;
    this.httpPort = httpPort;
  }

  /**
   * Starts the server and waits until it listens.
   *
   * @param jar the shaded server jar
   * @param plan one of {@link #PLANS}
   * @param jvmArgs options for the server's JVM, such as {@code -Xmx1g}
   * @throws IOException when it cannot start or does not listen within {@code timeout}; the
   *     message quotes the end of its log
   */
  public static ServerProcess start(Path jar, String plan, List<String> jvmArgs, Duration timeout)
      throws IOException, InterruptedException {
    if (!PLANS.contains(plan)) {
      throw new IllegalArgumentException("plan must be one of " + PLANS + ", was " + plan);
    }
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no server jar at " + jar + "; build it with mvn -B -DskipTests "
          + "package, or pass --server-jar");
    }
    Path dir = Files.createTempDirectory("ignition-bench-");
    String key = "k-bench-" + randomHex();
    Path config = Files.writeString(dir.resolve("ignition.json"), config(plan, key));
    Path log = dir.resolve("server.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString(), "--config", config.toString(),
        "--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--log-level", "info",
        // Emits as large as the tool sends (-s): the launcher's default stops at 64 KiB.
        "--max-frame-bytes", Integer.toString(MAX_FRAME_BYTES)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    AtomicBoolean exiting = new AtomicBoolean();
    Thread stopOnExit = new Thread(() -> {
      exiting.set(true);
      stop(process);
    }, "stop-spawned-server");
    try {
      Runtime.getRuntime().addShutdownHook(stopOnExit);
      int[] ports = awaitListening(process, log, timeout);
      return new ServerProcess(process, stopOnExit, exiting, log, key, ports[0], ports[1]);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      removeHook(stopOnExit);
      throw e;
    }
  }

  private static String randomHex() {
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private static String config(String plan, String key) {
    return "{\"plans\":{\"metered\":{\"dailyRequests\":1000000000,\"connections\":100000}},\n"
        + " \"apps\":[{\"id\":\"bench\",\"plan\":\"" + plan + "\",\"keys\":[\"" + key + "\"]}]}\n";
  }

  /** Returns the WebSocket and HTTP ports the server logs once it listens. */
  private static int[] awaitListening(Process process, Path log, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher found = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (found.find()) {
        return new int[] {Integer.parseInt(found.group(1)), Integer.parseInt(found.group(2))};
      }
      if (!process.isAlive()) {
        throw new IOException("the server exited with " + process.exitValue() + ": "
            + tail(log));
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new IOException("the server did not listen within " + timeout + ": " + tail(log));
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8).strip();
    return text.length() <= 2_000 ? text : "..." + text.substring(text.length() - 2_000);
  }

  /** Returns the server's WebSocket base URL. */
  public URI url() {
    return URI.create("ws://127.0.0.1:" + port);
  }

  /** Returns the HTTP API's port. */
  public int httpPort() {
    return httpPort;
  }

  /** Returns the key of the app {@code bench}. */
  public String key() {
    return key;
  }

  /** Returns the server's process id. */
  public long pid() {
    return process.pid();
  }

  /** Returns whether the tool's JVM is exiting and its shutdown hook has stopped the server. */
  public boolean stoppedOnExit() {
    return exiting.get();
  }

  /** Returns how the server exited when it did so by itself (killed, crashed), else null. */
  public @Nullable String exited() {
    if (exiting.get() || process.isAlive()) {
      return null;
    }
    int status = process.exitValue();
    return "the spawned server exited with status " + status
        + (status > 128 ? " (signal " + (status - 128) + ")" : "") + "; its log: " + log;
  }

  /** Returns the file the server logs to. */
  public Path log() {
    return log;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it. */
  @Override
  public void close() {
    stop(process);
    removeHook(stopOnExit);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to; it stops a server that is already stopped.
    }
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
