package io.ignition.bench.load;

import io.ignition.bench.client.WsConnection;
import io.ignition.bench.client.WsHandler;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One publisher connection: sends emits with an id each and settles them as the server answers
 * {@code ok} or {@code error}. Runs on the publishing reactor's thread only.
 */
final class PublisherConn implements WsHandler {
  /** Emits that may await an answer at once; their channel is kept in a ring of this size. */
  static final int MAX_IN_FLIGHT = 1 << 16;
  /** Starts the reason of a publisher's connect failure, to tell it from subscribers'. */
  static final String FAILURE_PREFIX = "publisher: ";

  private static final int MEASURED = 1 << 30;
  private static final int CHANNEL_MASK = MEASURED - 1;

  private final int index;
  private final PublisherDriver driver;
  private final ConnectTracker tracker;
  private final Problems problems;
  private final long connectStartNanos = System.nanoTime();
  private final int[] pending = new int[MAX_IN_FLIGHT];
  private final long[] sequenceByChannel;
  private final byte[] frame;
  private @Nullable WsConnection connection;
  private long nextId = 1;
  private long settled;
  private int channelTurn;
  private boolean welcomed;
  private boolean closed;

  PublisherConn(int index, int channels, PublisherDriver driver, ConnectTracker tracker,
      Problems problems) {
    this.index = index;
    this.driver = driver;
    this.tracker = tracker;
    this.problems = problems;
    this.sequenceByChannel = new long[channels];
    this.frame = new byte[Payload.maxEmitBytes(driver.payloadBytes(),
        Payload.channelName(channels).length())];
  }

  /** Returns whether the publisher may send an emit now. */
  boolean canSend() {
    return welcomed && !closed && inFlight() < MAX_IN_FLIGHT;
  }

  boolean closed() {
    return closed;
  }

  /** Returns how many emits await an answer. */
  long inFlight() {
    return nextId - 1 - settled;
  }

  /** Returns the channel of the next emit: each publisher walks every channel in turn. */
  int nextChannel(int channels) {
    int channel = (index + channelTurn) % channels;
    channelTurn = channelTurn + 1 == channels ? 0 : channelTurn + 1;
    return channel;
  }

  /** Sends one emit to {@code channel}, stamped {@code sentNanos} (run-relative). */
  void send(int channel, byte[] channelName, long sentNanos, boolean measured) {
    long id = nextId++;
    pending[(int) id & (MAX_IN_FLIGHT - 1)] = channel | (measured ? MEASURED : 0);
    int length = Payload.emit(frame, id, channelName, sentNanos, index,
        sequenceByChannel[channel]++, driver.payloadBytes());
    connection().sendText(frame, 0, length);
  }

  void attach(WsConnection opened) {
    this.connection = opened;
  }

  @Override
  public void onText(WsConnection from, byte[] in, int offset, int length, long now) {
    int end = offset + length;
    if (Ascii.startsWith(in, offset, end, Payload.OK_PREFIX)) {
      long id = Ascii.getLong(in, offset + Payload.OK_PREFIX.length, end);
      int entry = pending[(int) id & (MAX_IN_FLIGHT - 1)];
      settled++;
      driver.acknowledged(entry & CHANNEL_MASK, (entry & MEASURED) != 0);
    } else if (Ascii.startsWith(in, offset, end, Payload.ERROR_PREFIX)) {
      if (Ascii.startsWith(in, offset, end, Payload.ERROR_ID_PREFIX)) {
        long id = Ascii.getLong(in, offset + Payload.ERROR_ID_PREFIX.length, end);
        settled++;
        driver.refused(pending[(int) id & (MAX_IN_FLIGHT - 1)] & CHANNEL_MASK);
      }
      problems.error(Payload.errorCode(new String(in, offset, length, StandardCharsets.UTF_8)));
    } else if (Ascii.startsWith(in, offset, end, Payload.WELCOME_PREFIX)) {
      welcomed = true;
      tracker.ready(now - connectStartNanos);
    }
  }

  @Override
  public void onClose(WsConnection from, int code, String reason) {
    closed = true;
    if (welcomed) {
      problems.closed(code, "publisher: " + reason);
    } else {
      tracker.failed(FAILURE_PREFIX + code + " " + reason);
    }
  }

  private WsConnection connection() {
    WsConnection current = connection;
    if (current == null) {
      throw new IllegalStateException("publisher not connected");
    }
    return current;
  }
}
