package io.ignition.server.internal;

import io.ignition.core.EventHub;
import io.ignition.core.Session;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session (protocol 4) over a WebSocket, carrying the Socket.IO namespaces the
 * client connects to; each namespace is a {@link SocketIoSocket} with its own key and quota slot.
 *
 * <p>Engine.IO: the server sends the open packet, then pings ({@code 2}) {@code pingInterval}
 * after each pong ({@code 3}), and closes the WebSocket when a pong is {@code pingTimeout} late.
 * A client may send pongs, messages ({@code 4} + a Socket.IO packet) and close ({@code 1}).
 *
 * <p>Failures: an Engine.IO packet of another type, or a Socket.IO packet that
 * {@link SocketIoParser} refuses, closes the WebSocket with 1002 and the reason; a binary frame
 * that no binary packet announced closes it with 1003. A packet for a namespace the client is not
 * connected to is answered with a CONNECT_ERROR for that namespace. Nothing else is affected.
 *
 * <p>Threads: {@link #onText} and {@link #onBinary} run on one transport thread at a time,
 * heartbeats on the timer, {@link #onClose} and namespace kicks on any thread. The namespace map
 * is concurrent; a connect racing a close is settled as in {@code NativeSession}: the connect adds
 * and then checks {@code closed}, the close sets {@code closed} and then releases what it finds.
 */
final class EngineIoSession implements Session {
  /** Close code for a packet the server refuses. */
  static final int CLOSE_PROTOCOL_ERROR = 1002;

  /** Close code for a binary frame that no packet announced. */
  static final int CLOSE_UNSUPPORTED = 1003;

  /** Close code for a session that ends without a fault of the client's data. */
  static final int CLOSE_NORMAL = 1000;

  /** Most namespaces one session may connect to at once. */
  static final int MAX_NAMESPACES = 16;

  private static final Logger log = LoggerFactory.getLogger(EngineIoSession.class);
  private static final int MAX_PENDING_ATTACHMENTS = 4 * SocketIoParser.MAX_ATTACHMENTS;

  /** The WebSocket under the session, as the transport provides it. Thread-safe. */
  interface Link {
    /** Returns the connection's id, which is also the Engine.IO session id. */
    String id();

    /** Queues one text frame. */
    void send(String text);

    /** Queues one complete WebSocket frame, built already. */
    void sendFrame(byte[] frame);

    /** Closes the WebSocket with a close code and a reason, after what is queued. */
    void close(int code, String reason);
  }

  private final EventHub hub;
  private final Link link;
  private final ScheduledExecutorService timer;
  private final EngineIoSettings settings;
  private final ConcurrentHashMap<String, SocketIoSocket> namespaces = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean awaitingPong = new AtomicBoolean();
  private final AtomicInteger socketSequence = new AtomicInteger();
  /** Written by the timer thread only. */
  private volatile long pingSequence;
  /** The next ping or pong check on the timer; cancelled when the session closes. */
  private volatile Future<?> heartbeat = CompletableFuture.completedFuture(null);
  /** When the session last had no namespace connected, by {@link System#nanoTime}. */
  private volatile long idleSinceNanos = System.nanoTime();
  /** Attachments announced by binary packets and not received yet; transport thread only. */
  private int pendingAttachments;

  private EngineIoSession(EventHub hub, Link link, ScheduledExecutorService timer,
      EngineIoSettings settings) {
    this.hub = hub;
    this.link = link;
    this.timer = timer;
    this.settings = settings;
  }

  /** Starts a session on a WebSocket that has just opened: sends the open packet, starts pings. */
  static EngineIoSession open(EventHub hub, Link link, ScheduledExecutorService timer,
      EngineIoSettings settings) {
    EngineIoSession session = new EngineIoSession(hub, link, timer, settings);
    link.send(SocketIoFrames.open(link.id(), settings.pingInterval(), settings.pingTimeout(),
        hub.maxFrameBytes()));
    session.schedule(session::ping, settings.pingInterval().toMillis());
    return session;
  }

  @Override
  public void onText(String text) {
    if (closed.get()) {
      return;
    }
    char type = text.isEmpty() ? ' ' : text.charAt(0);
    switch (type) {
      case '4' -> onMessage(text);
      case '3' -> onPong();
      case '1' -> link.close(CLOSE_NORMAL, "client closed the session");
      default -> refuse(text.isEmpty() ? "empty Engine.IO packet"
          : "unexpected Engine.IO packet type " + SocketIoParser.describe(type)
              + "; a client sends 1 (close), 3 (pong) or 4 (message)");
    }
  }

  @Override
  public void onBinary(int length) {
    if (closed.get()) {
      return;
    }
    if (pendingAttachments > 0) {
      pendingAttachments--; // announced by a binary packet that was answered with an error
      return;
    }
    log.debug("unannounced binary frame id={} length={}", link.id(), length);
    link.close(CLOSE_UNSUPPORTED, "binary frames are not supported; send text");
  }

  @Override
  public void onClose() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (SocketIoSocket socket : namespaces.values()) {
      socket.release();
    }
    namespaces.clear();
    // The timer would otherwise hold on to this session until the next heartbeat is due.
    heartbeat.cancel(false);
  }

  private void onMessage(String text) {
    SocketIoPacket packet;
    try {
      packet = SocketIoParser.parse(text, 1);
    } catch (SocketIoProtocolException e) {
      refuse(e.getMessage());
      return;
    }
    SocketIoSocket socket = namespaces.get(packet.namespace());
    switch (packet.type()) {
      case CONNECT -> connect(packet);
      case DISCONNECT -> {
        if (socket != null) {
          forget(socket);
          socket.release();
        }
      }
      case EVENT -> onEvent(socket, packet);
      case ACK -> onAck(socket, packet);
      default -> onBinaryPacket(socket, packet);
    }
  }

  private void connect(SocketIoPacket packet) {
    String namespace = packet.namespace();
    if (namespaces.containsKey(namespace)) {
      link.send(SocketIoFrames.connectError(namespace, "already connected to " + namespace));
      return;
    }
    if (namespaces.size() >= MAX_NAMESPACES) {
      link.send(SocketIoFrames.connectError(namespace, "a connection may join at most "
          + MAX_NAMESPACES + " namespaces"));
      return;
    }
    String sid = link.id() + "." + socketSequence.incrementAndGet();
    SocketIoSocket.connect(hub, this, namespace, sid, packet.data());
  }

  private void onEvent(@Nullable SocketIoSocket socket, SocketIoPacket packet) {
    if (socket == null) {
      notConnected(packet.namespace());
    } else {
      socket.onEvent(packet);
    }
  }

  private void onAck(@Nullable SocketIoSocket socket, SocketIoPacket packet) {
    if (socket == null) {
      notConnected(packet.namespace());
    } else {
      socket.error("unexpected acknowledgement " + packet.ackId()
          + ": the server asks for none");
    }
  }

  private void onBinaryPacket(@Nullable SocketIoSocket socket, SocketIoPacket packet) {
    pendingAttachments += packet.attachments();
    if (pendingAttachments > MAX_PENDING_ATTACHMENTS) {
      refuse("too many binary attachments announced");
      return;
    }
    if (socket == null) {
      notConnected(packet.namespace());
    } else {
      socket.error("binary attachments are not supported; send strings or JSON");
    }
  }

  private void notConnected(String namespace) {
    link.send(SocketIoFrames.connectError(namespace, "not connected to " + namespace
        + "; send a CONNECT packet first"));
  }

  /** Adds a socket that was admitted; false when the session closed meanwhile (it is released). */
  boolean add(SocketIoSocket socket) {
    namespaces.put(socket.namespace(), socket);
    if (closed.get()) {
      socket.release();
      return false;
    }
    return true;
  }

  /** Removes a socket that ended. */
  void forget(SocketIoSocket socket) {
    namespaces.remove(socket.namespace(), socket);
    if (namespaces.isEmpty()) {
      idleSinceNanos = System.nanoTime();
    }
  }

  /** Returns the WebSocket, for the namespaces' sends. */
  Link link() {
    return link;
  }

  /** Ends the session because of a packet the server refuses. */
  private void refuse(String reason) {
    log.debug("refused Engine.IO packet id={} reason={}", link.id(), reason);
    link.close(CLOSE_PROTOCOL_ERROR, reason);
  }

  private void ping() {
    if (closed.get()) {
      return;
    }
    if (namespaces.isEmpty() && System.nanoTime() - idleSinceNanos
        >= settings.connectTimeout().toNanos()) {
      link.close(CLOSE_NORMAL, "no namespace connected within "
          + settings.connectTimeout().toMillis() + " ms");
      return;
    }
    long sequence = pingSequence + 1;
    pingSequence = sequence;
    awaitingPong.set(true);
    link.send("2");
    schedule(() -> checkPong(sequence), settings.pingTimeout().toMillis());
  }

  private void onPong() {
    // A pong nobody asked for is harmless and ignored.
    if (awaitingPong.compareAndSet(true, false)) {
      schedule(this::ping, settings.pingInterval().toMillis());
    }
  }

  private void checkPong(long sequence) {
    if (!closed.get() && awaitingPong.get() && pingSequence == sequence) {
      log.debug("ping timeout id={}", link.id());
      link.close(CLOSE_NORMAL, "ping timeout: no pong within "
          + settings.pingTimeout().toMillis() + " ms");
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      heartbeat = timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException ignored) {
      // The transport is shutting down and closes every connection itself.
    }
    if (closed.get()) {
      heartbeat.cancel(false);
    }
  }
}
