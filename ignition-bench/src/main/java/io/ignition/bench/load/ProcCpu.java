package io.ignition.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's CPU time (user plus system) from {@code /proc/PID/stat} and its count of
 * write system calls from {@code /proc/PID/io}, on Linux.
 */
final class ProcCpu {
  private static final long DEFAULT_CLOCK_TICKS = 100;
  private static final long CLOCK_TICKS = clockTicks();
  /** utime and stime are fields 14 and 15; after the ")" that ends field 2, 11 and 12. */
  private static final int UTIME_AFTER_NAME = 11;

  private ProcCpu() {}

  /**
   * Returns the process's CPU time so far in nanoseconds, at the kernel's tick resolution (10 ms
   * with the usual 100 ticks a second).
   *
   * @throws IOException when the process does not exist or /proc cannot be read
   */
  static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
        StandardCharsets.US_ASCII);
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[UTIME_AFTER_NAME])
        + Long.parseLong(fields[UTIME_AFTER_NAME + 1]);
    return ticks * 1_000_000_000L / CLOCK_TICKS;
  }

  /**
   * Returns how many write system calls (write, writev, send...) the process has made so far.
   *
   * @throws IOException when the process does not exist or /proc cannot be read (it needs the
   *     same user as the process, or root)
   */
  static long writeCalls(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
      if (line.startsWith("syscw:")) {
        return Long.parseLong(line.substring("syscw:".length()).trim());
      }
    }
    throw new IOException("no syscw in /proc/" + pid + "/io");
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return getconf.waitFor() == 0 ? Long.parseLong(out.trim()) : DEFAULT_CLOCK_TICKS;
    } catch (IOException | NumberFormatException e) {
      return DEFAULT_CLOCK_TICKS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_CLOCK_TICKS;
    }
  }
}
