package io.ignition.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ignition.core.App;
import io.ignition.core.EventHub;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Fuzzes the Socket.IO packet parser, and the Engine.IO session behind it, with Jazzer: whatever
 * a client sends, the parser returns a packet or refuses it with a
 * {@link SocketIoProtocolException}, and the session answers with well-formed text or closes;
 * nothing else may escape.
 *
 * <p>{@code mvn verify} runs it in fuzzing mode for a few seconds (the {@code fuzz} execution of
 * the failsafe plugin, {@code JAZZER_FUZZ=1}), starting from the seeds in
 * {@code src/test/resources/io/ignition/server/internal/SocketIoParserFuzzTestInputs/parse},
 * which are also replayed as regression inputs. An input that fails is written to
 * {@code target/fuzz}: move it into that directory, fix the parser, and it stays a regression
 * test. An input whose first byte is 0 is read as UTF-16, to reach lone surrogates; the rest as
 * UTF-8, as text frames arrive.
 */
class SocketIoParserFuzzTest {
  private static final App APP = new App("acme", Plan.ENTERPRISE);
  /** Heartbeats an hour apart: none is due while an input runs. */
  private static final EngineIoSettings SETTINGS = new EngineIoSettings(Duration.ofHours(1),
      Duration.ofHours(1), Duration.ofHours(1));
  private static final ScheduledThreadPoolExecutor TIMER = newTimer();

  private final EventHub hub = EventHub.builder()
      .keys(KeyStore.inMemory(Map.of("k-acme", APP)))
      .build();

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    String text = text(input);

    parseChecked(text);
    sessionChecked(text);
  }

  private static void parseChecked(String text) {
    try {
      SocketIoPacket packet = SocketIoParser.parse(text);
      assertThat(packet.namespace()).startsWith("/");
      assertThat(packet.attachments()).isBetween(0, SocketIoParser.MAX_ATTACHMENTS);
      assertThat(packet.ackId()).isLessThanOrEqualTo(SocketIoParser.MAX_ACK_ID);
    } catch (SocketIoProtocolException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  /** Connects a namespace, then feeds the input as a message and as a raw Engine.IO packet. */
  private void sessionChecked(String text) {
    Recording link = new Recording();
    EngineIoSession session = EngineIoSession.open(hub, link, TIMER, SETTINGS);
    session.onText("40{\"token\":\"k-acme\"}");
    session.onText("4" + text);
    session.onText(text);
    session.onClose();

    for (String sent : link.texts) {
      assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(sent)).as(sent).isTrue();
    }
    assertThat(hub.registry().subscriptionCount()).as("left behind by %s", text).isZero();
  }

  private static String text(byte[] input) {
    if (input.length > 0 && input[0] == 0) {
      return new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_16BE);
    }
    return new String(input, StandardCharsets.UTF_8);
  }

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "fuzz-timer");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Records what the session sends; it runs on the fuzzer's one thread. */
  private static final class Recording implements EngineIoSession.Link {
    final List<String> texts = new ArrayList<>();

    @Override
    public String id() {
      return "c-fuzz";
    }

    @Override
    public void send(String text) {
      texts.add(text);
    }

    @Override
    public void sendFrame(byte[] frame) {}

    @Override
    public void close(int code, String reason) {
      assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(reason)).as(reason).isTrue();
    }
  }
}
