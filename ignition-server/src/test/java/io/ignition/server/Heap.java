package io.ignition.server;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The test JVM's heap, for checks that a server gives back what a load took. */
final class Heap {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private Heap() {}

  /**
   * Returns the bytes of heap in use after full collections: the least of a few readings, since
   * a collection may run while the JVM's own threads allocate.
   */
  static long usedAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
