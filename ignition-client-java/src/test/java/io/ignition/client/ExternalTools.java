package io.ignition.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs openssl and node for interoperability tests, which skip when a tool is missing. */
final class ExternalTools {

  /** What a finished process printed and returned. */
  record Result(int exitCode, String stdout) {}

  private ExternalTools() {}

  /** True when {@code command} runs and exits 0. */
  static boolean available(List<String> command, Path directory) {
    try {
      return run(command, "", directory).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code command} in {@code directory} with {@code stdin}; stderr is discarded. */
  static Result run(List<String> command, String stdin, Path directory) throws IOException {
    Process process = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String stdout;
    try (InputStream out = process.getInputStream()) {
      stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
    return new Result(process.exitValue(), stdout);
  }
}
