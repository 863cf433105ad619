package io.ignition.client;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a delegate executor that may
 * have many threads. Handlers and listeners go through it so they see events in order. When the
 * delegate rejects work the tasks run on the submitting thread rather than being lost.
 * Thread-safe.
 */
final class SerialExecutor implements Executor {

  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;

  private final Object lock = new Object();
  @GuardedBy("lock")
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  @GuardedBy("lock")
  private boolean draining;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (lock) {
      tasks.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      log.debug("callback executor rejected a task; running it on the caller", e);
      drain();
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (lock) {
        next = tasks.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        log.warn("a client callback task threw", e);
      }
    }
  }
}
