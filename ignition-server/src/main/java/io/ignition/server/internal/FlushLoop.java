package io.ignition.server.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that writes the queued frames of the sockets scheduled on it, one batch per socket per
 * turn, round robin, so one busy socket cannot starve the rest.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
final class FlushLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(FlushLoop.class);
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

  @Override
  public void run() {
    while (running) {
      WsSocket socket = ready.poll();
      if (socket == null) {
        sleep();
        continue;
      }
      try {
        if (socket.flush(batch)) {
          watcher.await(socket);
        }
      } catch (RuntimeException e) {
        log.warn("flush failed, closing connection id={}", socket.connection().id(), e);
        socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "internal error");
      }
    }
  }

  private void sleep() {
    // Announce the nap before the last look at the queue, so a submit after that look unparks us.
    sleeping = true;
    if (ready.isEmpty() && running) {
      LockSupport.park(this);
    }
    sleeping = false;
  }

  /** Counts bytes a socket wrote on this loop's thread; once per write call, not per frame. */
  void wrote(int bytes) {
    bytesWritten.add(bytes);
  }

  void stop() {
    running = false;
    LockSupport.unpark(thread);
  }
}
