package io.ignition.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's limit on open files, which bounds how many connections it can hold. */
final class FdLimit {
  private FdLimit() {}

  /** Returns the soft limit on open files, or -1 when it cannot be read (not Linux). */
  static long soft() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String value = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Checks that {@code connections} sockets fit under the limit, with room for the JVM's own
   * files.
   *
   * @throws IllegalArgumentException naming the limit and how to raise it
   */
  static void check(long connections) {
    long limit = soft();
    if (limit >= 0 && connections + 256 > limit) {
      throw new IllegalArgumentException(connections + " connections need more open files than "
          + "this process may have (ulimit -n is " + limit + "); raise it with ulimit -n, or "
          + "open fewer connections");
    }
  }
}
