package io.ignition.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConnectTrackerTest {
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
  private final ConnectTracker tracker = new ConnectTracker(3, 1, new Problems(), "subscribers",
      new PrintStream(progress, true, StandardCharsets.UTF_8), 2);

  @Test
  @Timeout(30)
  void acquire_serverNeverAnswersMoreConnectionsThanSlots_failsInsteadOfHanging()
      throws Exception {
    tracker.acquire();

    // The first connection never becomes ready or fails, so its slot is never given back.
    assertThatThrownBy(tracker::acquire).isInstanceOf(IOException.class)
        .hasMessage("connecting subscribers stalled: no connection became ready or failed for "
            + "2 s (0 ready, 0 failed, 3 to go)");
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("connecting subscribers: 0 ready, 0 failed, 3 to go");
  }

  @Test
  @Timeout(30)
  void await_everyConnectionSettles_returnsWithTheCounts() throws Exception {
    for (int i = 0; i < 3; i++) {
      tracker.acquire();
      if (i == 1) {
        tracker.failed("refused");
      } else {
        tracker.ready(1_000_000);
      }
    }

    tracker.await();

    assertThat(tracker.readyCount()).isEqualTo(2);
    assertThat(tracker.failedCount()).isEqualTo(1);
  }
}
