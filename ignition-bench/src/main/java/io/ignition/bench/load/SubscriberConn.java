package io.ignition.bench.load;

import io.ignition.bench.client.WsConnection;
import io.ignition.bench.client.WsHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One subscriber: once welcomed it subscribes to its channel, then records every event it
 * receives in its reactor's {@link ReceiveStats}, checking that each publisher's events arrive in
 * order. Runs on its reactor's thread only.
 */
final class SubscriberConn implements WsHandler {
  private final int channelLength;
  private final byte[] subscribeFrame;
  private final ReceiveStats stats;
  private final ConnectTracker tracker;
  private final Problems problems;
  private final long connectStartNanos;
  /** The last sequence seen from each publisher, on this subscriber's channel. */
  private final long[] lastSequence;
  private boolean ready;

  SubscriberConn(int channel, int publishers, ReceiveStats stats, ConnectTracker tracker,
      Problems problems) {
    String name = Payload.channelName(channel);
    this.channelLength = name.length();
    this.subscribeFrame = Ascii.bytes("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + name
        + "\"}");
    this.stats = stats;
    this.tracker = tracker;
    this.problems = problems;
    this.connectStartNanos = System.nanoTime();
    this.lastSequence = new long[Math.max(publishers, 1)];
    Arrays.fill(lastSequence, -1);
  }

  /** Returns whether the subscription is in place; read after the connect phase settled. */
  boolean ready() {
    return ready;
  }

  @Override
  public void onText(WsConnection connection, byte[] in, int offset, int length, long now) {
    int end = offset + length;
    if (Ascii.startsWith(in, offset, end, Payload.EVENT_PREFIX)) {
      event(in, offset, end, now);
    } else if (Ascii.startsWith(in, offset, end, Payload.WELCOME_PREFIX)) {
      connection.sendText(subscribeFrame, 0, subscribeFrame.length);
    } else if (!ready && Ascii.startsWith(in, offset, end, Payload.OK_PREFIX)) {
      ready = true;
      tracker.ready(now - connectStartNanos);
    } else if (Ascii.startsWith(in, offset, end, Payload.ERROR_PREFIX)) {
      String code = Payload.errorCode(new String(in, offset, length, StandardCharsets.UTF_8));
      problems.error(code);
      if (!ready) {
        // The subscribe was refused: this subscriber will never be ready, so stop waiting.
        connection.close(1000);
        tracker.failed("subscribe refused: " + code);
      }
    }
  }

  private void event(byte[] in, int offset, int end, long now) {
    int at = Payload.dataStart(in, offset, end, channelLength);
    long sent = at < 0 ? -1 : Ascii.getLong(in, at, end);
    if (sent < 0) {
      problems.error("unreadable event payload");
      return;
    }
    at = Ascii.skipDigits(in, at, end) + 1;
    int publisher = (int) Ascii.getLong(in, at, end);
    at = Ascii.skipDigits(in, at, end) + 1;
    long sequence = Ascii.getLong(in, at, end);
    if (publisher >= 0 && publisher < lastSequence.length) {
      if (sequence <= lastSequence[publisher]) {
        stats.outOfOrder();
      }
      lastSequence[publisher] = sequence;
    }
    stats.delivered(sent, now);
  }

  @Override
  public void onClose(WsConnection connection, int code, String reason) {
    if (ready) {
      problems.closed(code, reason);
    } else {
      tracker.failed(code + " " + reason);
    }
  }
}
