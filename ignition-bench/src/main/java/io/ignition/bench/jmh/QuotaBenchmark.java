package io.ignition.bench.jmh;

import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Admitting one request with the in-memory quota policy: a metered app (a daily limit, so a clock
 * read and a compare-and-set), an enterprise app (no limit, which should cost nothing), and a
 * baseline that only returns the shared admission, to compare the enterprise path against.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QuotaBenchmark {
  /** High enough never to be reached in a run: the benchmark measures admission, not refusal. */
  private static final long HUGE_DAILY_LIMIT = 1_000_000_000_000L;

  private QuotaPolicy policy;
  private App metered;
  private App enterprise;

  /** Creates the policy and the two apps. */
  @Setup
  public void setUp() {
    policy = QuotaPolicy.inMemory(Clock.systemUTC());
    metered = new App("metered", new Plan("metered", HUGE_DAILY_LIMIT, 100_000));
    enterprise = new App("enterprise", Plan.ENTERPRISE);
    if (!policy.admitRequest(metered).admitted()) {
      throw new IllegalStateException("metered app refused");
    }
  }

  /** A request of an app whose plan has a daily limit. */
  @Benchmark
  public Admission metered() {
    return policy.admitRequest(metered);
  }

  /** A request of an app whose plan has no limit. */
  @Benchmark
  public Admission enterprise() {
    return policy.admitRequest(enterprise);
  }

  /** Nothing at all: the shared admission, returned. */
  @Benchmark
  public Admission baseline() {
    return Admission.admit();
  }
}
