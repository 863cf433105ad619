package io.ignition.server.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The sockets that handling one client message made ready to write while their {@link FlushLoop}
 * was parked, written by the thread that handled the message once it is done.
 *
 * <p>Thread-confined: each decoder thread has its own, reached through {@link #current}.
 */
final class MessageScope {
  /*
   * Why the decoder thread writes
   *
   * At low rates every event would otherwise cost a hand-off: the decoder thread queues the frame
   * and wakes a flush thread, which wakes up, writes one frame and parks again. On a virtual
   * machine a wake-up costs tens of microseconds at the median and milliseconds in the tail, and
   * it is most of an event's latency when nothing is queued. So while a decoder thread handles a
   * message, a socket the message makes ready whose flush loop is parked is kept here instead,
   * and the decoder thread writes it as soon as the message has been handled, without waking
   * anyone. The scope is one message, not one read of many: a later message in the same read may
   * wait on Redis (a cluster quota check), and what is ready must not wait with it.
   *
   * Under load the flush loops keep the work: a loop that is awake is running anyway, and when a
   * message reaches this thread less than BUSY_GAP_NANOS after it finished the previous one,
   * waiting for a loop costs nothing and its batching saves write calls (fan-out flat out lost a
   * third of its throughput, and doubled its write calls, when decoder threads wrote whenever a
   * loop happened to be parked).
   * Past MAX_DEFERRED sockets in one message the rest go to their loops too, so one message
   * cannot keep a decoder thread writing for long.
   */

  /** Sockets one message may leave to its own thread; the rest go to the flush loops. */
  private static final int MAX_DEFERRED = 128;
  /**
   * A message that follows the end of the previous one on this thread by less than this is
   * traffic, not a trickle: its sockets go to the flush loops, which batch the frames of many
   * messages into one write. Measured from the end, so that time spent writing does not count.
   */
  private static final long BUSY_GAP_NANOS = 200_000;
  private static final int BATCH_BYTES = 64 * 1024;
  /** Set on decoder threads only, so that other threads schedule on flush loops as before. */
  private static final ThreadLocal<MessageScope> CURRENT = new ThreadLocal<>();

  private final @Nullable WsSocket[] deferred = new WsSocket[MAX_DEFERRED];
  private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES);
  private int count;
  private boolean open;
  /** Whether this message came hard on the heels of the previous one: leave writing to loops. */
  private boolean busy;
  private long lastClosedNanos = System.nanoTime() - BUSY_GAP_NANOS;

  private MessageScope() {}

  /** Returns this thread's scope, made on first use; call it from decoder threads only. */
  static MessageScope current() {
    MessageScope scope = CURRENT.get();
    if (scope == null) {
      scope = new MessageScope();
      CURRENT.set(scope);
    }
    return scope;
  }

  /**
   * Starts handling a message; returns false, and does nothing, when one is already being
   * handled.
   */
  boolean open() {
    if (open) {
      return false;
    }
    open = true;
    busy = System.nanoTime() - lastClosedNanos < BUSY_GAP_NANOS;
    return true;
  }

  /**
   * Takes a socket that has just been scheduled to write, to be written when the message has been
   * handled.
   *
   * @return false when no message is being handled here or the scope is full: the caller hands
   *     the socket to its flush loop
   */
  static boolean defer(WsSocket socket) {
    MessageScope scope = CURRENT.get();
    if (scope == null || !scope.open || scope.busy || scope.count == MAX_DEFERRED) {
      return false;
    }
    scope.deferred[scope.count++] = socket;
    return true;
  }

  /** Ends handling the message: writes the deferred sockets on this thread. */
  void close() {
    open = false;
    int written = 0;
    try {
      for (; written < count; written++) {
        WsSocket socket = deferred[written];
        if (socket != null) {
          socket.flushHere(batch);
        }
        deferred[written] = null;
      }
    } finally {
      // Only an Error gets here early: hand the sockets not done yet to their loops.
      for (int i = written; i < count; i++) {
        WsSocket socket = deferred[i];
        deferred[i] = null;
        if (socket != null) {
          socket.resume();
        }
      }
      count = 0;
      lastClosedNanos = System.nanoTime();
    }
  }
}
