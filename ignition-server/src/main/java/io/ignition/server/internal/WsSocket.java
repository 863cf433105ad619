package io.ignition.server.internal;

import io.ignition.core.Connection;
import io.ignition.core.Event;
import io.ignition.core.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: Java-WebSocket reads and decodes it; we write it.
 *
 * <p>Thread-safe. Any thread may queue frames; one thread at a time writes them: a {@link
 * FlushLoop}, or the decoder thread whose message produced them (see {@link MessageScope}).
 */
final class WsSocket extends org.java_websocket.WebSocketImpl {
  /*
   * Why we own the write path
   *
   * Java-WebSocket 1.6.0 queues every outgoing frame in WebSocketImpl.outQueue and asks its
   * selector thread to write it by setting OP_WRITE interest (WebSocketServer.onWriteDemand). The
   * selector thread drains the queue in SocketChannelIOHelper.batch and then, when batch reports
   * the queue empty, sets the interest back to OP_READ. Those two steps are not atomic with
   * respect to a writer: a frame queued after batch's last peek but before interestOps(OP_READ)
   * has its OP_WRITE interest overwritten, and sits in outQueue until some later write re-arms the
   * key. That is the "reply stuck until something else is sent" race.
   *
   * We give each WebSocketImpl a listener whose onWriteDemand never touches the selector: it moves
   * whatever the library queued (handshake responses, pongs, close frames) into our own queue on
   * the calling thread and schedules this socket on a FlushLoop. Our own frames (replies, events)
   * go straight into that queue, already framed. The library's selector therefore never has
   * OP_WRITE interest on our sockets and never runs batch for them, so the race has nothing to
   * race with. Scheduling uses the usual idle/scheduled flag with a re-check after going idle, so
   * a frame queued at any instant is either seen by the running flush or schedules a new one.
   *
   * Owning the write path also lets a flush copy every queued frame into one buffer and write it
   * with one system call, and bounds each socket's unsent bytes.
   *
   * Slow consumers, closes and dead peers
   *
   * Over maxQueuedBytes the socket is closed with 4008: its queued data frames are dropped at
   * once (on the flush thread, even while it waits for the kernel), the close frame goes out
   * after whatever part of a batch the kernel already took, and the peer has closeGrace to read
   * it. Every close the server starts has the same deadline: when it passes, the TCP connection
   * is cut, so a peer that never reads costs at most the kernel's buffers for closeGrace. Any
   * byte from the peer proves it alive; one silent for pingInterval is pinged, and one silent for
   * pingInterval + pingTimeout is cut (WebSocketTransport runs the sweep).
   */

  static final int CLOSE_SLOW_CONSUMER = 4008;

  private static final Logger log = LoggerFactory.getLogger(WsSocket.class);
  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;
  private static final int MAX_REASON_BYTES = 123;

  private static final int OPCODE_MASK = 0x0f;
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_BINARY = 0x2;

  private final String id;
  private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicInteger state = new AtomicInteger(IDLE);
  /** Held while a thread runs {@link #flush}. */
  private final AtomicBoolean writing = new AtomicBoolean();
  private final Object libraryQueueLock = new Object();
  private final FlushLoop loop;
  private final TransportSettings settings;
  private final ConnectionTracker tracker;
  private final Function<Event, byte[]> eventFrames;
  private final ScheduledExecutorService timer;
  private final View view = new View();
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile boolean closeAfterFlush;
  private volatile boolean closedLocally;
  private volatile boolean discardBacklog;
  /** Set once our close frame is out and our side shut; then once the peer's close arrived. */
  private volatile boolean outputShut;
  private volatile boolean peerClosed;
  /** Set when we answer a refused upgrade ourselves; guarded by libraryQueueLock. */
  private boolean ownResponse;
  private final AtomicReference<@Nullable Session> session = new AtomicReference<>();
  /** Where the connection was admitted from; null until admitted, and for a refused one. */
  private volatile @Nullable InetAddress admittedFrom;
  /** Why the upgrade must be refused, when the connection is over a limit; else null. */
  private volatile ConnectionTracker.@Nullable Refusal refusal;
  /** When the peer last sent anything, by {@link System#nanoTime}. */
  private volatile long lastHeardNanos = System.nanoTime();
  /** When we last pinged, by {@link System#nanoTime}; touched by the timer thread only. */
  private long lastPingNanos;

  /** Drops the connection if it has not upgraded in time; cancelled once it has. */
  private final @Nullable ScheduledFuture<?> handshakeDeadline;
  /** Cuts the connection if a close the server started has not finished in time. */
  private volatile @Nullable ScheduledFuture<?> closeDeadline;

  /** Bytes of the upgrade request read so far; touched only by the library's decoder thread. */
  private long handshakeBytes;
  /** Header lines of the upgrade request so far, and bytes of the current line; decoder only. */
  private int handshakeLines;
  private int handshakeLineBytes;
  private boolean handshakeHeadEnded;

  /** The remainder of a partly written batch; touched only by the thread holding writing. */
  private @Nullable ByteBuffer unwritten;

  WsSocket(String id, WebSocketListener listener, List<Draft> drafts, FlushLoop loop,
      Function<Event, byte[]> eventFrames, ScheduledExecutorService timer,
      TransportSettings settings, ConnectionTracker tracker) {
    super(listener, drafts);
    this.id = id;
    this.loop = loop;
    this.timer = timer;
    this.settings = settings;
    this.tracker = tracker;
    this.eventFrames = eventFrames;
    this.handshakeDeadline = later(this::dropIfNotUpgraded,
        settings.limits().handshakeTimeout());
  }

  /** Records that the upgrade succeeded: the handshake deadline no longer applies. */
  void upgraded() {
    cancel(handshakeDeadline);
  }

  /**
   * Counts the connection in, from the address it was accepted from, or marks it refused.
   *
   * @return false when it must be closed at once, without an answer
   */
  boolean admit(InetAddress address) {
    ConnectionTracker.Refusal verdict = tracker.admit(this, address);
    if (verdict == ConnectionTracker.Refusal.DROPPED) {
      return false;
    }
    if (verdict == null) {
      admittedFrom = address;
    }
    refusal = verdict;
    return true;
  }

  /** Returns why the upgrade must be refused, or null when the connection was let in. */
  ConnectionTracker.@Nullable Refusal refusal() {
    return refusal;
  }

  /**
   * Refuses upgrade requests over the size or header-line limits before the library sees them:
   * it keeps every byte of an unfinished request and parses it all again on each read, so a peer
   * that never ends its headers would cost memory and CPU without bound.
   */
  @Override
  public void decode(ByteBuffer socketBuffer) {
    lastHeardNanos = System.nanoTime();
    ReadyState readyState = getReadyState();
    if (readyState == ReadyState.NOT_YET_CONNECTED && !withinHandshakeLimits(socketBuffer)) {
      return;
    }
    if (readyState == ReadyState.CLOSING && closedLocally
        && getDraft() instanceof HttpAwareDraft draft) {
      if (draft.closeFrameEnds(socketBuffer)) {
        peerClosed = true;
        closeIfBothClosed();
      }
      socketBuffer.position(socketBuffer.limit());
      return;
    }
    super.decode(socketBuffer);
  }

  /**
   * Ends the TCP connection once both close frames have passed: ours is out and the peer's has
   * arrived. The peer sends nothing after its close frame, so closing cannot reset anything it
   * still has to read. The decoder thread and the flush thread each set their flag, then check
   * the other's.
   */
  private void closeIfBothClosed() {
    if (peerClosed && outputShut) {
      closeConnection();
    }
  }

  private boolean withinHandshakeLimits(ByteBuffer socketBuffer) {
    ConnectionLimits limits = settings.limits();
    handshakeBytes += socketBuffer.remaining();
    countHeaderLines(socketBuffer);
    String problem = handshakeBytes > limits.maxHandshakeBytes()
        ? "upgrade request over " + limits.maxHandshakeBytes() + " bytes"
        : handshakeLines > limits.maxHandshakeHeaders() + 1
            ? "upgrade request with over " + limits.maxHandshakeHeaders() + " header lines"
            : null;
    if (problem == null) {
      return true;
    }
    socketBuffer.position(socketBuffer.limit());
    tracker.handshakeRefused("handshake_too_large");
    log.debug("upgrade request refused id={} reason={}", id, problem);
    closeConnection(CloseFrame.TOOBIG, problem);
    return false;
  }

  /** Counts the request line and header lines up to the blank line that ends them. */
  private void countHeaderLines(ByteBuffer bytes) {
    for (int i = bytes.position(); i < bytes.limit() && !handshakeHeadEnded; i++) {
      byte b = bytes.get(i);
      if (b == '\n') {
        handshakeHeadEnded = handshakeLineBytes == 0;
        handshakeLines += handshakeLineBytes == 0 ? 0 : 1;
        handshakeLineBytes = 0;
      } else if (b != '\r') {
        handshakeLineBytes++;
      }
    }
  }

  /** Ends a connection whose upgrade did not finish in time; a no-op for the rest. */
  private void dropIfNotUpgraded() {
    if (getReadyState() == ReadyState.NOT_YET_CONNECTED) {
      if (refusal == null) {
        tracker.handshakeRefused("handshake_timeout");
      }
      closeConnection(CloseFrame.NEVER_CONNECTED, "upgrade not finished in time");
    }
  }

  /** Releases the connection's place in the limits once, however it ends. */
  @Override
  public synchronized void closeConnection(int code, String message, boolean remote) {
    super.closeConnection(code, message, remote);
    if (released.compareAndSet(false, true)) {
      tracker.release(this, admittedFrom);
      // The timer would otherwise hold on to this socket until the deadlines pass.
      cancel(handshakeDeadline);
      cancel(closeDeadline);
    }
  }

  private static void cancel(@Nullable ScheduledFuture<?> deadline) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  /**
   * Pings the connection when the peer has been silent for {@code intervalNanos}, and cuts it off
   * when it has been silent for {@code intervalNanos + timeoutNanos}; runs on the timer thread.
   */
  void checkAlive(long nowNanos, long intervalNanos, long timeoutNanos) {
    if (!isOpen()) {
      return;
    }
    long silentNanos = nowNanos - lastHeardNanos;
    if (silentNanos >= intervalNanos + timeoutNanos) {
      tracker.pingTimedOut();
      log.debug("ping timeout id={} silentMillis={}", id, silentNanos / 1_000_000);
      closeConnection(CloseFrame.ABNORMAL_CLOSE, "ping timeout: silent for "
          + silentNanos / 1_000_000 + " ms");
    } else if (silentNanos >= intervalNanos && nowNanos - lastPingNanos >= intervalNanos) {
      lastPingNanos = nowNanos;
      sendPing();
    }
  }

  /** Returns the core's handle on this connection. */
  Connection connection() {
    return view;
  }

  /** Returns the connection's session; before {@link #attach}, one that ignores everything. */
  Session session() {
    Session current = session.get();
    return current == null ? Detached.INSTANCE : current;
  }

  /** Gives the connection its session; if the connection already closed, closes the session. */
  void attach(Session opened) {
    if (!session.compareAndSet(null, opened)) {
      opened.onClose();
    }
  }

  /** Closes the session, now or, if it is not attached yet, as soon as it is. */
  void detach() {
    Session previous = session.getAndSet(Detached.INSTANCE);
    if (previous != null) {
      previous.onClose();
    }
  }

  /** Takes over the frames the library queued; called by the library on the writing thread. */
  void takeLibraryFrames() {
    synchronized (libraryQueueLock) {
      ByteBuffer buffer;
      while ((buffer = outQueue.poll()) != null) {
        if (ownResponse) {
          continue; // the library's fixed 404 page, which our own answer replaces
        }
        byte[] frame = new byte[buffer.remaining()];
        buffer.get(frame);
        queuedBytes.addAndGet(frame.length);
        queue.offer(frame);
      }
      if (isFlushAndClose()) {
        closeAfterFlush = true;
      }
    }
    schedule();
  }

  /**
   * Answers the upgrade request with {@code httpResponse}, a complete HTTP response, instead of the
   * page the library writes when the handshake callback refuses; call it right before refusing.
   */
  void respondInsteadOfUpgrade(byte[] httpResponse) {
    synchronized (libraryQueueLock) {
      ownResponse = true;
      queuedBytes.addAndGet(httpResponse.length);
      queue.offer(httpResponse);
    }
  }

  /** Queues one complete WebSocket frame, built already, such as a shared event frame. */
  void sendFrame(byte[] frame) {
    enqueue(frame);
  }

  /** Returns the transport's timer, for protocol timeouts. */
  ScheduledExecutorService timer() {
    return timer;
  }

  private void enqueue(byte[] frame) {
    if (!isOpen() || discardBacklog) {
      return;
    }
    if (queuedBytes.addAndGet(frame.length) > settings.maxQueuedBytes()) {
      queuedBytes.addAndGet(-frame.length);
      closeAsSlowConsumer();
      return;
    }
    queue.offer(frame);
    schedule();
  }

  /** Continues a flush that waited for the channel to become writable. */
  void resume() {
    loop.submit(this);
  }

  private void schedule() {
    // A plain read first: while a flush is pending, publishers skip the compare-and-set.
    if (state.get() == IDLE && state.compareAndSet(IDLE, SCHEDULED)
        && !(loop.asleep() && MessageScope.defer(this))) {
      loop.submit(this);
    }
  }

  /**
   * Writes what is queued on the calling thread, which must own the pending flush: this socket's
   * loop, or the decoder thread whose {@link MessageScope} took it.
   */
  void flushHere(ByteBuffer batch) {
    // A slow consumer's close runs a flush out of turn (see closeAsSlowConsumer), so two threads
    // can meet here; the second hands the socket back to its loop, which tries again until the
    // first is done. Rare, and short: a flush never waits for the kernel.
    if (!writing.compareAndSet(false, true)) {
      loop.submit(this);
      return;
    }
    try {
      if (flush(batch)) {
        loop.awaitWritable(this);
      }
    } catch (RuntimeException e) {
      log.warn("flush failed, closing connection id={}", id, e);
      closeConnection(CloseFrame.ABNORMAL_CLOSE, "internal error");
    } finally {
      writing.set(false);
    }
  }

  /**
   * Runs {@code task} on the timer after {@code delay}; returns null, and does nothing, once the
   * transport has closed (it cuts every connection itself).
   */
  private @Nullable ScheduledFuture<?> later(Runnable task, Duration delay) {
    try {
      return timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /**
   * Writes what is queued; runs on the thread that owns the pending flush (see {@link
   * #flushHere}).
   *
   * @return true when the socket must wait for the kernel to accept more (it stays scheduled)
   */
  private boolean flush(ByteBuffer batch) {
    try {
      if (discardBacklog) {
        dropBacklog();
      }
      if (unwritten != null && !writeUnwritten()) {
        return true;
      }
      batch.clear();
      fill(batch);
      if (unwritten != null) {
        return true; // a frame larger than the batch went out on its own, not all of it yet
      }
      batch.flip();
      if (batch.hasRemaining()) {
        loop.wrote(channel().write(batch));
        if (batch.hasRemaining()) {
          unwritten = ByteBuffer.allocate(batch.remaining()).put(batch).flip();
          return true;
        }
        if (queue.isEmpty()) {
          goIdle();
        } else {
          loop.submit(this); // more to write: take turns with the other sockets of this loop
        }
        return false;
      }
      goIdle();
      return false;
    } catch (IOException e) {
      abandon(e);
      return false;
    }
  }

  private boolean writeUnwritten() throws IOException {
    ByteBuffer pending = unwritten;
    loop.wrote(channel().write(pending));
    if (pending.hasRemaining()) {
      return false;
    }
    unwritten = null;
    return true;
  }

  /** Copies queued frames into the batch; a frame larger than the batch goes out on its own. */
  private void fill(ByteBuffer batch) throws IOException {
    byte[] frame;
    while ((frame = queue.peek()) != null) {
      if (frame.length > batch.remaining()) {
        if (batch.position() == 0) {
          queue.poll();
          queuedBytes.addAndGet(-frame.length);
          unwritten = ByteBuffer.wrap(frame);
          writeUnwritten();
        }
        return;
      }
      queue.poll();
      queuedBytes.addAndGet(-frame.length);
      batch.put(frame);
    }
  }

  /**
   * Drops the queued data frames of a slow consumer, keeping control frames (the close frame
   * above all) in order. The thread holding writing is the queue's only consumer, so the iterator
   * removes exactly what it returned, while other threads may still add.
   */
  private void dropBacklog() {
    for (Iterator<byte[]> frames = queue.iterator(); frames.hasNext(); ) {
      byte[] frame = frames.next();
      int opcode = frame[0] & OPCODE_MASK;
      if (opcode == OPCODE_TEXT || opcode == OPCODE_BINARY) {
        frames.remove();
        queuedBytes.addAndGet(-frame.length);
      }
    }
  }

  private void goIdle() {
    if (closeAfterFlush && queue.isEmpty() && unwritten == null) {
      finishClose();
      return;
    }
    state.set(IDLE);
    // Whoever queued a frame or asked for the close after our last look saw SCHEDULED and left
    // it to us; look again now that we are idle.
    if ((!queue.isEmpty() || closeAfterFlush) && state.compareAndSet(IDLE, SCHEDULED)) {
      loop.submit(this);
    }
  }

  /**
   * Records that the server, not the peer, started the close handshake, releases the session, and
   * sets the close deadline: after {@code closeGrace} the TCP connection is cut, whether or not
   * the peer read the close frame and answered it.
   */
  void closeInitiatedLocally(int code, String reason) {
    closedLocally = true;
    closeDeadline = later(() -> closeConnection(code, reason), settings.closeGrace());
    // Nothing more reaches a closing connection: its subscriptions and its plan's connection
    // slot go now, not when the peer gets round to ending the TCP connection.
    detach();
  }

  /**
   * Ends the TCP connection once our close frame is out. When the peer closed first it is done
   * sending, so we close at once. When we closed first, the peer may still be sending: closing
   * now would answer its data with a reset, and a reset makes the peer's kernel discard what we
   * sent and it has not read yet, our close frame and the error before it included. So we only
   * shut down our side and close when the peer's close frame or end of stream arrives, or the
   * close deadline passes.
   */
  private void finishClose() {
    if (!closedLocally) {
      closeConnection();
      return;
    }
    try {
      channel().shutdownOutput();
      outputShut = true;
      closeIfBothClosed();
    } catch (IOException e) {
      closeConnection();
    }
  }

  /**
   * Ends a connection that fell too far behind: its backlog is dropped, a 4008 close frame goes
   * out in its place, and the TCP connection is cut if the peer has not read it within the close
   * grace.
   */
  private void closeAsSlowConsumer() {
    synchronized (libraryQueueLock) {
      if (discardBacklog) {
        return;
      }
      discardBacklog = true;
    }
    tracker.slowConsumerClosed();
    log.debug("slow consumer id={} queuedBytes={}", id, queuedBytes.get());
    close(CLOSE_SLOW_CONSUMER, "slow consumer: more than " + settings.maxQueuedBytes()
        + " bytes unsent");
    // Free the backlog now, even if the flush is waiting for the kernel to take more.
    loop.submit(this);
  }

  private void abandon(IOException e) {
    queue.clear();
    queuedBytes.set(0);
    unwritten = null;
    closeConnection(CloseFrame.ABNORMAL_CLOSE, "write failed: " + e.getMessage());
  }

  SocketChannel channel() {
    return (SocketChannel) getChannel();
  }

  long queuedBytes() {
    return queuedBytes.get();
  }

  static String truncateReason(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = reason.length();
    while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      end--;
    }
    return reason.substring(0, end);
  }

  /** Stands for a session that is not attached yet, or no longer. */
  private enum Detached implements Session {
    INSTANCE;

    @Override
    public void onText(String text) {}

    @Override
    public void onBinary(int length) {}

    @Override
    public void onClose() {}
  }

  /** The {@link Connection} the core sees. */
  private final class View implements Connection {
    @Override
    public String id() {
      return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return getRemoteSocketAddress();
    }

    @Override
    public void send(String text) {
      enqueue(WsFrames.text(text));
    }

    @Override
    public void send(Event event) {
      enqueue(event.encoded(eventFrames));
    }

    @Override
    public void close(int code, String reason) {
      WsSocket.this.close(code, truncateReason(reason));
    }
  }
}
