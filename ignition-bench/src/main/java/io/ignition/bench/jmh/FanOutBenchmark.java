package io.ignition.bench.jmh;

import io.ignition.core.App;
import io.ignition.core.ChannelRegistry;
import io.ignition.core.Connection;
import io.ignition.core.Event;
import io.ignition.core.EventHub;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import io.ignition.core.Session;
import io.ignition.core.Subscriber;
import io.ignition.core.internal.Wire;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Publishing one event to every subscriber of a channel, through the in-memory registry.
 *
 * <p>The score is nanoseconds per publish; divide by {@code subscribers} for nanoseconds per
 * delivery ({@code jmh --check} does). Each publish builds a new {@link Event}, as the server does.
 *
 * <ul>
 *   <li>{@code countingSubscribers}: subscribers that only count, so the score is the registry's
 *       own cost: the channel lookup and the walk over the subscriber array.
 *   <li>{@code sessionSubscribers}: real native-protocol sessions over a connection that takes the
 *       event's shared text encoding and counts, so the score adds the session's origin check and
 *       the per-event encoding cache, but no socket.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanOutBenchmark {
  private static final String KEY = "k-bench";

  @Param({"1", "100", "1000", "10000"})
  int subscribers;

  private ChannelRegistry counting;
  private EventHub hub;

  /** Subscribes the subscribers of both variants. */
  @Setup
  public void setUp() {
    counting = ChannelRegistry.inMemory();
    for (int i = 0; i < subscribers; i++) {
      counting.subscribe(BenchData.APP, BenchData.CHANNEL, new CountingSubscriber());
    }

    App app = new App(BenchData.APP, Plan.ENTERPRISE);
    hub = EventHub.builder().keys(KeyStore.inMemory(Map.of(KEY, app))).build();
    String subscribe = "{\"op\":\"subscribe\",\"channel\":\"" + BenchData.CHANNEL + "\"}";
    for (int i = 0; i < subscribers; i++) {
      Session session = hub.openNative(new EncodingConnection("c-" + i), KEY, false);
      session.onText(subscribe);
    }
    if (hub.registry().subscriberCount(BenchData.APP, BenchData.CHANNEL) != subscribers) {
      throw new IllegalStateException("sessions did not subscribe");
    }
  }

  /** Publishes to subscribers that count. */
  @Benchmark
  public int countingSubscribers() {
    return counting.publish(newEvent());
  }

  /** Publishes to native sessions whose connection takes the shared encoding. */
  @Benchmark
  public int sessionSubscribers() {
    return hub.registry().publish(newEvent());
  }

  private static Event newEvent() {
    return new Event(BenchData.APP, BenchData.CHANNEL, BenchData.EVENT, BenchData.DATA, null);
  }

  /** Counts deliveries: a store to its own field, which the JIT cannot drop. */
  static final class CountingSubscriber implements Subscriber {
    long delivered;

    @Override
    public void deliver(Event event) {
      delivered++;
    }
  }

  /** A connection that does what a transport does first with an event: take its encoding. */
  static final class EncodingConnection implements Connection {
    private final String id;
    long sent;

    EncodingConnection(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public void send(String text) {}

    @Override
    public void send(Event event) {
      sent += event.encoded(Wire.EVENT_TEXT).length();
    }

    @Override
    public void close(int code, String reason) {}
  }
}
