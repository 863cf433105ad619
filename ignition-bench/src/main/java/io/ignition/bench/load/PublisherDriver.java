package io.ignition.bench.load;

import io.ignition.bench.client.Reactor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * Publishes on the publishing reactor's thread: at a fixed total rate, or flat out with flow
 * control, from warm-up start until the measured window ends.
 *
 * <p>At a rate, each publisher has its own schedule (rate / publishers, staggered) and every emit
 * is stamped with the time it was due, not the time it went out, so a stall in the tool or the
 * server shows up as latency instead of hiding it (no coordinated omission). Flat out, a publisher
 * sends while it has fewer than {@code window} emits unanswered and the run has fewer than {@code
 * window * subscribers} deliveries on their way, so the server is kept busy without piling up
 * events until it closes subscribers as slow consumers; emits are stamped when they go out.
 *
 * <p>Thread-safe only through {@link #totals}; everything else runs on the reactor's thread.
 */
final class PublisherDriver implements Reactor.Ticker {
  private static final long FLAT_OUT_POLL_NANOS = 50_000;

  private final List<PublisherConn> publishers = new ArrayList<>();
  private final Reactor reactor;
  private final List<ReceiveStats> receivers;
  private final int payloadBytes;
  private final double rate;
  private final int window;
  private final byte[][] channelNames;
  /** At a rate: how late measured emits went out, send time minus due time, in nanoseconds. */
  private final Histogram lateness = new Histogram(ReceiveStats.MAX_LATENCY_NANOS, 3);
  private int[] fanout = new int[0];
  private long maxUndelivered;
  private Schedule schedule = new Schedule(0, 0, 0);
  private long[] due = new long[0];
  private long intervalNanos;
  private long sent;
  private long fanoutSent;
  private long acknowledged;
  private long acknowledgedMeasured;
  private long refused;
  private long stalled;
  private long expected;
  private long expectedMeasured;

  PublisherDriver(Reactor reactor, List<ReceiveStats> receivers, LoadSettings settings) {
    this.reactor = reactor;
    this.receivers = receivers;
    this.payloadBytes = settings.payloadBytes();
    this.rate = settings.rate();
    this.window = settings.window();
    this.channelNames = new byte[settings.channels()][];
    for (int i = 0; i < channelNames.length; i++) {
      channelNames[i] = Ascii.bytes(Payload.channelName(i));
    }
  }

  int payloadBytes() {
    return payloadBytes;
  }

  /** Adds a publisher; call before {@link #start}. */
  void add(PublisherConn publisher) {
    publishers.add(publisher);
  }

  /**
   * Starts publishing on the reactor.
   *
   * @param subscribersByChannel how many ready subscribers each channel has
   */
  void start(Schedule runSchedule, int[] subscribersByChannel) {
    reactor.execute(() -> {
      schedule = runSchedule;
      fanout = subscribersByChannel.clone();
      long subscribers = 0;
      for (int count : fanout) {
        subscribers += count;
      }
      maxUndelivered = Math.max(1, window * subscribers);
      due = new long[publishers.size()];
      intervalNanos = rate > 0 ? (long) (publishers.size() * 1e9 / rate) : 0;
      for (int p = 0; p < due.length; p++) {
        due[p] = schedule.now() + intervalNanos * p / Math.max(1, due.length);
      }
    });
    reactor.ticker(this);
  }

  @Override
  public long tick(long nowNanos) {
    long now = nowNanos - schedule.baseNanoTime();
    if (now >= schedule.measureEnd() || allClosed()) {
      return Long.MAX_VALUE;
    }
    return schedule.baseNanoTime() + (rate > 0 ? paced(now) : flatOut(now));
  }

  /** Flat out the ticker only polls for room in the window, which holds milliseconds of work. */
  @Override
  public boolean punctual() {
    return rate > 0;
  }

  /** Returns whether every publisher's connection has ended: nothing is left to publish with. */
  private boolean allClosed() {
    for (PublisherConn publisher : publishers) {
      if (!publisher.closed()) {
        return false;
      }
    }
    return true;
  }

  private long paced(long now) {
    long next = schedule.measureEnd();
    for (int p = 0; p < due.length; p++) {
      PublisherConn publisher = publishers.get(p);
      while (due[p] <= now && due[p] < schedule.measureEnd()) {
        if (publisher.canSend()) {
          if (schedule.measured(due[p])) {
            lateness.recordValue(Math.min(now - due[p], ReceiveStats.MAX_LATENCY_NANOS));
          }
          send(publisher, due[p]);
        } else {
          stalled++;
        }
        due[p] += intervalNanos;
      }
      next = Math.min(next, due[p]);
    }
    return next;
  }

  private long flatOut(long now) {
    long received = 0;
    for (ReceiveStats receiver : receivers) {
      received += receiver.received();
    }
    boolean sent = true;
    while (sent) {
      sent = false;
      for (PublisherConn publisher : publishers) {
        if (fanoutSent - received < maxUndelivered && publisher.canSend()
            && publisher.inFlight() < window) {
          send(publisher, now);
          sent = true;
        }
      }
    }
    return now + FLAT_OUT_POLL_NANOS;
  }

  private void send(PublisherConn publisher, long sentNanos) {
    int channel = publisher.nextChannel(channelNames.length);
    boolean measured = schedule.measured(sentNanos);
    sent++;
    fanoutSent += fanout[channel];
    publisher.send(channel, channelNames[channel], sentNanos, measured);
  }

  /** Counts an emit the server answered {@code ok}: its deliveries are now expected. */
  void acknowledged(int channel, boolean measured) {
    acknowledged++;
    expected += fanout[channel];
    if (measured) {
      acknowledgedMeasured++;
      expectedMeasured += fanout[channel];
    }
  }

  /** Counts an emit the server refused: its deliveries will never come. */
  void refused(int channel) {
    refused++;
    fanoutSent -= fanout[channel];
  }

  /**
   * Returns, at a rate, how late measured emits went out (send time minus due time, in
   * nanoseconds), copied on the reactor's thread; empty flat out.
   */
  CompletableFuture<Histogram> lateness() {
    CompletableFuture<Histogram> answer = new CompletableFuture<>();
    reactor.execute(() -> answer.complete(lateness.copy()));
    return answer;
  }

  /** Returns the counts so far, read on the reactor's thread. */
  CompletableFuture<Totals> totals() {
    CompletableFuture<Totals> answer = new CompletableFuture<>();
    reactor.execute(() -> {
      long inFlight = 0;
      int closed = 0;
      for (PublisherConn publisher : publishers) {
        inFlight += publisher.closed() ? 0 : publisher.inFlight();
        closed += publisher.closed() ? 1 : 0;
      }
      answer.complete(new Totals(sent, fanoutSent, acknowledged, acknowledgedMeasured, refused,
          stalled, expected, expectedMeasured, inFlight, closed));
    });
    return answer;
  }

  /**
   * The publishers' counts.
   *
   * @param sent emits sent
   * @param fanoutSent deliveries the sent emits should make, less those of refused emits
   * @param acknowledged emits answered {@code ok}
   * @param acknowledgedMeasured of those, the ones sent in the measured window
   * @param refused emits answered with an error
   * @param stalled emits due at a rate but not sent: too many unanswered, or no connection
   * @param expected deliveries the acknowledged emits should make
   * @param expectedMeasured of those, the ones of emits sent in the measured window
   * @param inFlight emits still unanswered on open connections
   * @param closedPublishers publisher connections that ended
   */
  record Totals(long sent, long fanoutSent, long acknowledged, long acknowledgedMeasured,
      long refused, long stalled, long expected, long expectedMeasured, long inFlight,
      int closedPublishers) {}
}

