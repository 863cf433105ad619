package io.ignition.server.internal;

import io.ignition.core.HubObserver;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Every TCP connection of one transport, from accept to close: counts them per node and per source
 * address against {@link ConnectionLimits}, and knows them all for the dead-peer sweep, the
 * queued-bytes gauge and shutdown.
 *
 * <p>Thread-safe. {@link #admit} runs on the library's selector thread, {@link #release} on
 * whichever thread closes the connection.
 */
final class ConnectionTracker {
  /*
   * A connection over a limit is not cut at once: it is marked refused, and its upgrade request
   * is answered with a status and a JSON body that say why (JwsServer). Answering needs the
   * request, so a refused connection lives until its request arrives or the handshake timeout,
   * like any connection that has not upgraded yet. To keep a flood of refused connections that
   * never send a request from costing more than that, at most MAX_REFUSING of them wait for an
   * answer at once; past that, new ones are closed right after accept, without an answer.
   */

  static final int MAX_REFUSING = 1024;

  /** Why a connection is not let in; the status and the code of the HTTP answer. */
  enum Refusal {
    NODE_LIMIT(503, "Service Unavailable", "node_limit",
        "this node holds its maximum of connections; retry later or on another node"),
    ADDRESS_LIMIT(429, "Too Many Requests", "address_limit",
        "too many connections from your address"),
    SHUTTING_DOWN(503, "Service Unavailable", "shutting_down",
        "the server is shutting down; connect to another node"),
    /** Too many refused connections already wait for their answer: closed unanswered. */
    DROPPED(0, "", "refusal_flood", "");

    private final int status;
    private final String statusText;
    private final String code;
    private final String message;

    Refusal(int status, String statusText, String code, String message) {
      this.status = status;
      this.statusText = statusText;
      this.code = code;
      this.message = message;
    }

    /** Returns the reason as metrics count it, such as {@code node_limit}. */
    String code() {
      return code;
    }

    /** Returns the complete HTTP response that refuses the upgrade. */
    byte[] httpResponse() {
      byte[] body = ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}")
          .getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 " + status + " " + statusText + "\r\n"
          + "Content-Type: application/json; charset=utf-8\r\n"
          + "Content-Length: " + body.length + "\r\n"
          + (status == 503 ? "Retry-After: 5\r\n" : "")
          + "Connection: close\r\n\r\n";
      byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
      byte[] response = new byte[headBytes.length + body.length];
      System.arraycopy(headBytes, 0, response, 0, headBytes.length);
      System.arraycopy(body, 0, response, headBytes.length, body.length);
      return response;
    }
  }

  private final ConnectionLimits limits;
  private final HubObserver observer;
  private final Set<WsSocket> sockets = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger refusing = new AtomicInteger();
  private final LongAdder slowConsumers = new LongAdder();
  private final LongAdder pingTimeouts = new LongAdder();
  private final Object emptied = new Object();
  private volatile boolean draining;

  ConnectionTracker(ConnectionLimits limits, HubObserver observer) {
    this.limits = limits;
    this.observer = observer;
  }

  /**
   * Counts a newly accepted connection from {@code address}, or refuses it.
   *
   * @return null when the connection is let in, else why not
   */
  @Nullable Refusal admit(WsSocket socket, InetAddress address) {
    Refusal refusal = draining ? Refusal.SHUTTING_DOWN : countIn(address);
    if (refusal != null) {
      observer.connectionRefused(refusal.code());
      if (refusing.incrementAndGet() > MAX_REFUSING) {
        refusing.decrementAndGet();
        return Refusal.DROPPED;
      }
    }
    sockets.add(socket);
    return refusal;
  }

  private @Nullable Refusal countIn(InetAddress address) {
    if (admitted.incrementAndGet() > limits.maxConnections()) {
      admitted.decrementAndGet();
      return Refusal.NODE_LIMIT;
    }
    boolean[] counted = new boolean[1];
    byAddress.compute(address, (key, count) -> {
      int current = count == null ? 0 : count;
      if (current >= limits.maxConnectionsPerAddress()) {
        return count;
      }
      counted[0] = true;
      return current + 1;
    });
    if (!counted[0]) {
      admitted.decrementAndGet();
      return Refusal.ADDRESS_LIMIT;
    }
    return null;
  }

  /**
   * Forgets a connection that closed; {@code address} is the one it was admitted from, or null
   * when it was refused.
   */
  void release(WsSocket socket, @Nullable InetAddress address) {
    if (!sockets.remove(socket)) {
      return;
    }
    if (address == null) {
      refusing.decrementAndGet();
      return;
    }
    byAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    if (admitted.decrementAndGet() == 0 && draining) {
      synchronized (emptied) {
        emptied.notifyAll();
      }
    }
  }

  /**
   * Waits until no admitted connection is left or {@code deadlineNanos} (by
   * {@link System#nanoTime}) passes; call after {@link #drain}.
   */
  void awaitNoneAdmitted(long deadlineNanos) throws InterruptedException {
    synchronized (emptied) {
      long left;
      while (admitted.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(emptied, left);
      }
    }
  }

  /** Refuses every connection from now on: the transport is shutting down. */
  void drain() {
    draining = true;
  }

  /** Returns every connection not closed yet, upgraded or not; a live view. */
  Set<WsSocket> sockets() {
    return sockets;
  }

  /** Returns how many connections are let in (refused ones excluded). */
  int admitted() {
    return admitted.get();
  }

  /** Returns the unsent bytes queued on every connection. */
  long queuedBytes() {
    long total = 0;
    for (WsSocket socket : sockets) {
      total += socket.queuedBytes();
    }
    return total;
  }

  /** Reports an upgrade request refused for its size or its slowness. */
  void handshakeRefused(String reason) {
    observer.connectionRefused(reason);
  }

  void slowConsumerClosed() {
    slowConsumers.increment();
  }

  void pingTimedOut() {
    pingTimeouts.increment();
  }

  /** Returns how many connections were closed as slow consumers (4008). */
  long slowConsumers() {
    return slowConsumers.sum();
  }

  /** Returns how many connections were cut off for not answering pings. */
  long pingTimeouts() {
    return pingTimeouts.sum();
  }
}
