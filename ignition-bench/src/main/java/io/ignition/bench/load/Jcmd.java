package io.ignition.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a local JVM, through {@code jcmd}, to collect garbage and for its used heap. */
final class Jcmd {
  /** A heap space's line in GC.heap_info, for every collector but ZGC and Shenandoah. */
  private static final Pattern SPACE = Pattern.compile("total \\d+([KMG]), used (\\d+)([KMG])");
  private static final long TIMEOUT_SECONDS = 60;

  private Jcmd() {}

  /**
   * Runs a full GC in the process and returns the heap it uses afterwards, in bytes.
   *
   * @throws IOException when jcmd fails, or its answer has no heap figure
   */
  static long usedHeapAfterGc(long pid) throws IOException, InterruptedException {
    run(pid, "GC.run");
    String info = run(pid, "GC.heap_info");
    long used = 0;
    boolean found = false;
    for (String line : info.split("\n")) {
      Matcher space = SPACE.matcher(line);
      if (!line.contains("Metaspace") && !line.contains("class space") && space.find()) {
        used += Long.parseLong(space.group(2)) * unit(space.group(3));
        found = true;
      }
    }
    if (!found) {
      throw new IOException("no heap figure in jcmd " + pid + " GC.heap_info: " + info);
    }
    return used;
  }

  private static long unit(String suffix) {
    return switch (suffix) {
      case "K" -> 1024L;
      case "M" -> 1024L * 1024;
      default -> 1024L * 1024 * 1024;
    };
  }

  private static String run(long pid, String command) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    // Its output goes to a file, so that waiting for it can time out: reading a pipe to its end
    // would wait for as long as a frozen JVM keeps jcmd waiting.
    Path output = Files.createTempFile("ignition-bench-jcmd-", ".txt");
    try {
      Process process = new ProcessBuilder(jcmd, Long.toString(pid), command)
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly();
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      if (!finished || process.exitValue() != 0) {
        // jcmd's first line says why (no such process, not a JVM); the rest is its stack trace.
        throw new IOException("jcmd " + pid + " " + command + (finished ? " failed: "
            + out.strip().lines().findFirst().orElse("no output")
            : " did not answer within " + TIMEOUT_SECONDS + " s"));
      }
      return out;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
