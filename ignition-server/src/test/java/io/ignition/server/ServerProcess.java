package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/** The shaded server jar running as a separate process, as a user runs it. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("Ignition listening ws=ws://[^:]+:(\\d+)/v1 http=http://[^:]+:(\\d+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readLines, "server-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java -jar ignition-server.jar ARGS}. */
  static ServerProcess start(String... args) throws IOException {
    Path jar = Paths.get(System.getProperty("ignition.jar", "target/ignition-server.jar"));
    assertThat(jar).as("run 'mvn package' first").exists();
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString()));
    command.addAll(List.of(args));
    return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Waits for the start-up line and returns the WebSocket port. */
  int port() {
    return Integer.parseInt(awaitLine(LISTENING).group(1));
  }

  /** Waits for the start-up line and returns the HTTP port. */
  int httpPort() {
    return Integer.parseInt(awaitLine(LISTENING).group(2));
  }

  /** Returns the first output line matching {@code pattern}, waiting up to 30 s for it. */
  Matcher awaitLine(Pattern pattern) {
    return Awaitility.await("a line matching " + pattern).atMost(Duration.ofSeconds(30))
        .until(() -> find(pattern), Objects::nonNull);
  }

  private @Nullable Matcher find(Pattern pattern) {
    for (String line : output) {
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return matcher;
      }
    }
    if (!process.isAlive()) {
      throw new AssertionError("server exited with " + process.exitValue() + ":\n"
          + String.join("\n", output));
    }
    return null;
  }

  /** Returns everything the process printed so far. */
  List<String> output() {
    return List.copyOf(output);
  }

  Process process() {
    return process;
  }

  /** Kills the process as {@code kill -9} would: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(15, TimeUnit.SECONDS);
  }

  private void readLines() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("<output closed: " + e + ">");
    }
  }

  /** Stops the process with SIGTERM, as an operator would. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
