package io.ignition.bench.jmh;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.Event;
import io.ignition.core.Subscriber;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Subscribe and unsubscribe churn on a channel while another thread publishes to it: one JMH
 * group, one thread per role (change with {@code -tg publish,churn}), each role's throughput
 * reported on its own line. The channel keeps {@code stable} subscribers throughout; each churn
 * operation adds one more and removes it again, two copies of the subscriber array.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Group)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChurnBenchmark {
  @Param({"100"})
  int stable;

  private ChannelRegistry registry;

  /** Puts the stable subscribers on the channel. */
  @Setup
  public void setUp() {
    registry = ChannelRegistry.inMemory();
    for (int i = 0; i < stable; i++) {
      registry.subscribe(BenchData.APP, BenchData.CHANNEL,
          new FanOutBenchmark.CountingSubscriber());
    }
  }

  /** Publishes one event to the channel. */
  @Benchmark
  @Group("churn")
  @GroupThreads(1)
  public int publish() {
    return registry.publish(
        new Event(BenchData.APP, BenchData.CHANNEL, BenchData.EVENT, BenchData.DATA, null));
  }

  /** Subscribes this thread's subscriber and unsubscribes it again. */
  @Benchmark
  @Group("churn")
  @GroupThreads(1)
  public void subscribeUnsubscribe(Churner churner) {
    registry.subscribe(BenchData.APP, BenchData.CHANNEL, churner.subscriber);
    registry.unsubscribe(BenchData.APP, BenchData.CHANNEL, churner.subscriber);
  }

  /** Each churning thread's own subscriber. */
  @State(Scope.Thread)
  public static class Churner {
    final Subscriber subscriber = new FanOutBenchmark.CountingSubscriber();
  }
}
