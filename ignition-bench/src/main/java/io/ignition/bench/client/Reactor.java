package io.ignition.bench.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One selector thread driving many {@link WsConnection}s, with an optional {@link Ticker} for
 * work on a schedule (publishing at a rate).
 *
 * <p>Thread-safe: {@link #execute}, {@link #connect} and {@link #cpuNanos} may be called from any
 * thread; everything else happens on the reactor's thread.
 */
public final class Reactor implements AutoCloseable {
  /*
   * The read buffer is shared by every connection of the reactor: a read fills it, the frames in
   * it are handed to handlers in place, and only the tail of an incomplete frame is copied out to
   * its connection. The write buffer is shared the same way: a frame is built in it and written
   * at once; only what the kernel does not take is copied to the connection's backlog.
   *
   * With a ticker, the loop waits for the earlier of I/O and the ticker's deadline: select with a
   * timeout for waits of a millisecond or more, a short park below that, since select's timeout
   * has millisecond granularity, and, for a punctual ticker, polling for the last SPIN_NANOS, so
   * that emits go out on time rather than a wake-up late. A ticker that only polls (publishing
   * flat out) is not punctual: it parks, leaving the CPU to the server it shares the machine with.
   */

  /** Work a reactor does on a schedule, on its thread. */
  public interface Ticker {
    /** Does what is due at {@code nowNanos} and returns when to be called next. */
    long tick(long nowNanos);

    /** Returns whether being called a wake-up late (tens of microseconds) would matter. */
    default boolean punctual() {
      return true;
    }
  }

  private static final int READ_BUFFER_BYTES = 512 * 1024;
  private static final int WRITE_BUFFER_BYTES = 64 * 1024;
  private static final long MILLI = 1_000_000L;
  /**
   * How long before a ticker's deadline the thread stops sleeping and polls instead: a parked
   * thread wakes tens of microseconds late, which would be counted as the server's latency.
   */
  private static final long SPIN_NANOS = 150_000L;

  final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;
  private @Nullable Ticker ticker;
  private long deadlineNanos = Long.MAX_VALUE;

  /** Creates a reactor whose thread has the given name; {@link #start} runs it. */
  public Reactor(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  /** Starts the reactor's thread. */
  public void start() {
    thread.start();
  }

  /** Runs the task on the reactor's thread, soon. */
  public void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
    LockSupport.unpark(thread);
  }

  /** Installs the ticker, first called at once; replaces any earlier one. */
  public void ticker(Ticker newTicker) {
    execute(() -> {
      ticker = newTicker;
      deadlineNanos = System.nanoTime();
    });
  }

  /** Starts connecting to {@code address}, asking for {@code target} (path and query). */
  public WsConnection connect(InetSocketAddress address, String target, WsHandler handler) {
    WsConnection connection = new WsConnection(this, address, target, handler);
    execute(connection::open);
    return connection;
  }

  /** Returns the CPU time the reactor's thread has used, in nanoseconds; -1 when unknown. */
  public long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
  }

  /** Returns the reactor thread's name. */
  public String name() {
    return thread.getName();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  Selector selector() {
    return selector;
  }

  private void run() {
    try {
      while (running) {
        await();
        runTasks();
        dispatchReady();
        tick();
      }
    } catch (IOException | ClosedSelectorException e) {
      if (running) {
        throw new UncheckedIOException(new IOException("client selector failed", e));
      }
    }
  }

  private void await() throws IOException {
    if (!tasks.isEmpty()) {
      selector.selectNow();
      return;
    }
    if (deadlineNanos == Long.MAX_VALUE) {
      selector.select();
      return;
    }
    Ticker current = ticker;
    long spin = current != null && current.punctual() ? SPIN_NANOS : 0;
    long wait = deadlineNanos - System.nanoTime();
    if (wait <= spin) {
      selector.selectNow();
    } else if (wait >= MILLI + spin) {
      selector.select((wait - spin) / MILLI);
    } else if (selector.selectNow() == 0) {
      LockSupport.parkNanos(wait - spin);
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
    }
  }

  private void dispatchReady() {
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      ((WsConnection) key.attachment()).ready(key);
    }
  }

  private void tick() {
    Ticker current = ticker;
    if (current != null) {
      long now = System.nanoTime();
      if (now - deadlineNanos >= 0) {
        deadlineNanos = current.tick(now);
      }
    }
  }

  /** Stops the thread and drops every connection without a close handshake; waits for it. */
  @Override
  public void close() {
    if (!thread.isAlive()) {
      shutdown();
      return;
    }
    execute(this::shutdown);
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdown() {
    running = false;
    try {
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      selector.close();
    } catch (IOException | ClosedSelectorException ignored) {
      // Closing at the end of a run; the connections are gone either way.
    }
  }
}
