package io.ignition.server.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The sockets that handling one read made ready to write, written by the thread that handled the
 * read once it is done, instead of by a {@link FlushLoop}.
 *
 * <p>Thread-confined: each decoder thread has its own, reached through {@link #current}.
 */
final class ReadScope {
  /*
   * Why the reading thread writes
   *
   * At low rates every event would otherwise cost a hand-off: the decoder thread queues the frame
   * and wakes a flush thread, which wakes up, writes one frame and sleeps again. On a virtual
   * machine a wake-up is tens of microseconds at the median and milliseconds in the tail, and it
   * is most of an event's latency when nothing is queued. So while a decoder thread handles a
   * read, the first sockets it makes ready are kept here, and written by that same thread when
   * the read has been handled; every frame the read produced for such a socket goes out in one
   * write. Sockets past the first MAX_DEFERRED go to their flush loops at once, so a large
   * fan-out still has the flush threads writing in parallel with this one. Under load nothing
   * changes: a socket that already has a flush pending is not scheduled again, so its frames
   * join that flush's batch.
   */

  /** Sockets one read may leave to its own thread; the rest go to the flush loops. */
  static final int MAX_DEFERRED = 128;
  private static final int BATCH_BYTES = 64 * 1024;
  /** Set on decoder threads only, so that other threads schedule on flush loops as before. */
  private static final ThreadLocal<ReadScope> CURRENT = new ThreadLocal<>();

  private final @Nullable WsSocket[] deferred = new WsSocket[MAX_DEFERRED];
  private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES);
  private int count;
  private boolean open;

  private ReadScope() {}

  /** Returns this thread's scope, made on first use; call it from decoder threads only. */
  static ReadScope current() {
    ReadScope scope = CURRENT.get();
    if (scope == null) {
      scope = new ReadScope();
      CURRENT.set(scope);
    }
    return scope;
  }

  /** Starts handling a read; returns false, and does nothing, when one is already being handled. */
  boolean open() {
    if (open) {
      return false;
    }
    open = true;
    return true;
  }

  /**
   * Takes a socket that has just been scheduled to write, to be written when the read has been
   * handled.
   *
   * @return false when no read is being handled here or the scope is full: the caller hands the
   *     socket to its flush loop
   */
  static boolean defer(WsSocket socket) {
    ReadScope scope = CURRENT.get();
    if (scope == null || !scope.open || scope.count == MAX_DEFERRED) {
      return false;
    }
    scope.deferred[scope.count++] = socket;
    return true;
  }

  /** Ends handling the read: writes the deferred sockets on this thread. */
  void close() {
    open = false;
    for (int i = 0; i < count; i++) {
      WsSocket socket = deferred[i];
      deferred[i] = null;
      if (socket != null) {
        socket.flushHere(batch);
      }
    }
    count = 0;
  }
}
