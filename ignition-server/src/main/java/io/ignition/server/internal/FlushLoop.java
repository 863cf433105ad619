package io.ignition.server.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that writes the queued frames of the sockets scheduled on it, one batch per socket per
 * turn, round robin, so one busy socket cannot starve the rest.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
final class FlushLoop implements Runnable {
  private static final int BATCH_BYTES = 64 * 1024;

  private final ConcurrentLinkedQueue<WsSocket> ready = new ConcurrentLinkedQueue<>();
  private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES);
  private final WritableWatcher watcher;
  private final LongAdder bytesWritten;
  private final Thread thread;
  private volatile boolean sleeping;
  private volatile boolean running = true;

  FlushLoop(String name, WritableWatcher watcher, LongAdder bytesWritten) {
    this.watcher = watcher;
    this.bytesWritten = bytesWritten;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Schedules the socket for a flush on this loop's thread. */
  void submit(WsSocket socket) {
    ready.offer(socket);
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Returns whether the thread is parked, or about to park, with nothing to write: a submit now
   * would cost a wake-up.
   */
  boolean asleep() {
    return sleeping;
  }

  @Override
  public void run() {
    while (running) {
      WsSocket socket = ready.poll();
      if (socket == null) {
        sleep();
        continue;
      }
      socket.flushHere(batch);
    }
  }

  /** Hands a socket whose kernel buffer is full to the watcher, which resumes it here. */
  void awaitWritable(WsSocket socket) {
    watcher.await(socket);
  }

  private void sleep() {
    // Announce the nap before the last look at the queue, so a submit after that look unparks us.
    sleeping = true;
    if (ready.isEmpty() && running) {
      LockSupport.park(this);
    }
    sleeping = false;
  }

  /** Counts bytes one of this loop's sockets wrote, on any thread; once per write call. */
  void wrote(int bytes) {
    bytesWritten.add(bytes);
  }

  void stop() {
    running = false;
    LockSupport.unpark(thread);
  }
}
