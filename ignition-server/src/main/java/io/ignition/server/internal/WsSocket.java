package io.ignition.server.internal;

import io.ignition.core.Connection;
import io.ignition.core.Event;
import io.ignition.core.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket connection: Java-WebSocket reads and decodes it; we write it.
 *
 * <p>Thread-safe. Any thread may queue frames; one {@link FlushLoop} thread at a time writes them.
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
   * with one system call, and bounds each socket's unsent bytes (over the bound: close 4008).
   */

  static final int CLOSE_SLOW_CONSUMER = 4008;

  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;
  private static final int MAX_REASON_BYTES = 123;

  private static final long CLOSE_GRACE_MILLIS = 2_000;
  private static final int OPCODE_MASK = 0x0f;
  private static final int OPCODE_CLOSE = 0x8;

  private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

  private final String id;
  private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final Object libraryQueueLock = new Object();
  private final FlushLoop loop;
  private final long maxQueuedBytes;
  private final Function<Event, byte[]> eventFrames;
  private final ScheduledExecutorService timer;
  private final View view = new View();
  private volatile boolean closeAfterFlush;
  private volatile boolean closedLocally;
  private volatile boolean discardBacklog;
  /** Set when we answer a refused upgrade ourselves; guarded by libraryQueueLock. */
  private boolean ownResponse;
  private final AtomicReference<@Nullable Session> session = new AtomicReference<>();

  /** Bytes of the upgrade request read so far; touched only by the library's decoder thread. */
  private long handshakeBytes;

  /** The remainder of a partly written batch; touched only by the flushing thread. */
  private @Nullable ByteBuffer unwritten;

  WsSocket(String id, WebSocketListener listener, List<Draft> drafts, FlushLoop loop,
      long maxQueuedBytes, Function<Event, byte[]> eventFrames, ScheduledExecutorService timer,
      Duration handshakeTimeout) {
    super(listener, drafts);
    this.id = id;
    this.loop = loop;
    this.timer = timer;
    this.maxQueuedBytes = maxQueuedBytes;
    this.eventFrames = eventFrames;
    timer.schedule(this::dropIfNotUpgraded, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Refuses upgrade requests over {@value #MAX_HANDSHAKE_BYTES} bytes before the library sees
   * them: it keeps every byte of an unfinished request and parses it all again on each read, so
   * a peer that never ends its headers costs memory and CPU without bound.
   */
  @Override
  public void decode(ByteBuffer socketBuffer) {
    if (getReadyState() == ReadyState.NOT_YET_CONNECTED) {
      handshakeBytes += socketBuffer.remaining();
      if (handshakeBytes > MAX_HANDSHAKE_BYTES) {
        socketBuffer.position(socketBuffer.limit());
        closeConnection(CloseFrame.TOOBIG, "upgrade request over " + MAX_HANDSHAKE_BYTES
            + " bytes");
        return;
      }
    }
    super.decode(socketBuffer);
  }

  /** Ends a connection whose upgrade did not finish in time; a no-op for the rest. */
  private void dropIfNotUpgraded() {
    if (getReadyState() == ReadyState.NOT_YET_CONNECTED) {
      closeConnection(CloseFrame.NEVER_CONNECTED, "upgrade not finished in time");
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
    if (!isOpen()) {
      return;
    }
    if (queuedBytes.addAndGet(frame.length) > maxQueuedBytes) {
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
    if (state.compareAndSet(IDLE, SCHEDULED)) {
      loop.submit(this);
    }
  }

  /**
   * Writes what is queued; runs on this socket's loop thread only, while the socket is scheduled.
   *
   * @return true when the socket must wait for the kernel to accept more (it stays scheduled)
   */
  boolean flush(ByteBuffer batch) {
    try {
      if (unwritten != null && !writeUnwritten()) {
        return true;
      }
      batch.clear();
      fill(batch);
      batch.flip();
      if (batch.hasRemaining()) {
        loop.wrote(channel().write(batch));
        if (batch.hasRemaining()) {
          unwritten = ByteBuffer.allocate(batch.remaining()).put(batch).flip();
          return true;
        }
        loop.submit(this);
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
      if (discardBacklog && (frame[0] & OPCODE_MASK) != OPCODE_CLOSE) {
        queue.poll();
        queuedBytes.addAndGet(-frame.length);
        continue;
      }
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

  private void goIdle() {
    if (closeAfterFlush && queue.isEmpty() && unwritten == null) {
      finishClose();
      return;
    }
    state.set(IDLE);
    if (!queue.isEmpty() && state.compareAndSet(IDLE, SCHEDULED)) {
      loop.submit(this);
    }
  }

  /** Records that the server, not the peer, started the close handshake. */
  void closeInitiatedLocally() {
    closedLocally = true;
  }

  /**
   * Ends the TCP connection once our close frame is out. When the peer closed first it is done
   * sending, so we close at once. When we closed first, the peer may still be sending: closing
   * now would answer its data with a reset, and a reset makes the peer's kernel discard what we
   * sent and it has not read yet, our close frame and the error before it included. So we only
   * shut down our side and let the library close when the peer's close frame or end of stream
   * arrives, or the grace period ends.
   */
  private void finishClose() {
    if (!closedLocally) {
      closeConnection();
      return;
    }
    try {
      channel().shutdownOutput();
    } catch (IOException e) {
      closeConnection();
      return;
    }
    timer.schedule(() -> closeConnection(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Ends a connection that fell too far behind: its backlog is dropped, a 4008 close frame goes
   * out in its place, and the TCP connection is cut if even that cannot be written in time.
   */
  private void closeAsSlowConsumer() {
    if (discardBacklog) {
      return;
    }
    discardBacklog = true;
    close(CLOSE_SLOW_CONSUMER, "slow consumer: more than " + maxQueuedBytes + " bytes unsent");
    timer.schedule(() -> closeConnection(CLOSE_SLOW_CONSUMER, "slow consumer"),
        CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
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
