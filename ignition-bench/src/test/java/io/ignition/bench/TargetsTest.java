package io.ignition.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {
  @Test
  void load_shippedFile_hasTheIssueTargets() {
    List<Targets.Target> targets = Targets.load();

    assertThat(targets).extracting(Targets.Target::benchmark).contains(
        "FanOutBenchmark.countingSubscribers", "FrameDecoderBenchmark.decodeEmit",
        "EventFrameBenchmark.encodeEvent", "QuotaBenchmark.metered", "QuotaBenchmark.enterprise");
  }

  @Test
  void check_nsPerDelivery_dividesBySubscribers() {
    Targets.Target target = Targets.parse(List.of(
        "FanOutBenchmark.countingSubscribers\tsubscribers=1000\tns/delivery\t50\t<=")).get(0);
    Targets.Score score = new Targets.Score("io.x.FanOutBenchmark.countingSubscribers",
        Map.of("subscribers", "1000"), 60.0, "us/op", 64.0);

    Targets.Verdict verdict = Targets.check(List.of(target), List.of(score)).get(0);

    // 60 us per publish over 1,000 subscribers is 60 ns per delivery: over the 50 ns target.
    assertThat(verdict.value()).isEqualTo(60.0);
    assertThat(verdict.status()).isEqualTo("MISS");
  }

  @Test
  void check_baseline_subtractsItsScore() {
    Targets.Target target = Targets.parse(List.of(
        "QuotaBenchmark.enterprise\t-\tns/op\t2\t<=\tQuotaBenchmark.baseline")).get(0);
    List<Targets.Score> scores = List.of(
        new Targets.Score("a.QuotaBenchmark.enterprise", Map.of(), 1.5, "ns/op", null),
        new Targets.Score("a.QuotaBenchmark.baseline", Map.of(), 0.75, "ns/op", null));

    Targets.Verdict verdict = Targets.check(List.of(target), scores).get(0);

    assertThat(verdict.value()).isEqualTo(0.75);
    assertThat(verdict.status()).isEqualTo("pass");
  }

  @Test
  void check_benchmarkNotRun_reportedAsNotRun() {
    Targets.Target target = Targets.parse(List.of("Other.bench\t-\tns/op\t1\t<=")).get(0);

    Targets.Verdict verdict = Targets.check(List.of(target), List.of()).get(0);

    assertThat(verdict.status()).isEqualTo("not run");
  }

  @Test
  void parse_badDirection_namesTheLine() {
    assertThatThrownBy(() -> Targets.parse(List.of("# header", "A.b\t-\tns/op\t1\t<")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2");
  }
}
