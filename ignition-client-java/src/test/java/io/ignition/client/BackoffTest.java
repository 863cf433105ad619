package io.ignition.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  @Test
  void ceilingMillis_successiveAttempts_doublesUpToTheMaximum() {
    assertThat(backoff.ceilingMillis(1)).isEqualTo(500);
    assertThat(backoff.ceilingMillis(2)).isEqualTo(1000);
    assertThat(backoff.ceilingMillis(7)).isEqualTo(30_000);
    assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(30_000);
  }

  @Test
  void delay_randomAtItsBounds_spansZeroToTheCeiling() {
    Backoff lowest = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.0);
    Backoff highest = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
        () -> Math.nextDown(1.0));

    assertThat(lowest.delay(3)).isZero();
    assertThat(highest.delay(3)).isEqualTo(Duration.ofMillis(1999));
  }

  @Test
  void delay_realRandom_staysWithinTheCeiling() {
    for (int attempt = 1; attempt <= 10; attempt++) {
      assertThat(backoff.delay(attempt).toMillis())
          .isBetween(0L, backoff.ceilingMillis(attempt));
    }
  }

  @Test
  void ceilingMillis_attemptZero_throws() {
    assertThatThrownBy(() -> backoff.ceilingMillis(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("attempt must be >= 1, was 0");
  }
}
