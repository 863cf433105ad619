package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonParser;
import io.ignition.core.App;
import io.ignition.core.Connection;
import io.ignition.core.Event;
import io.ignition.core.EventHub;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import io.ignition.core.Session;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the native protocol's frame decoder, and the session behind it, with Jazzer: whatever a
 * client sends, the decoder returns a frame or refuses it with a {@link ProtocolException}, and
 * the session answers with well-formed JSON; nothing else may escape.
 *
 * <p>{@code mvn verify} runs it in fuzzing mode for a few seconds (the {@code fuzz} execution of
 * the failsafe plugin, {@code JAZZER_FUZZ=1}), starting from the seeds in
 * {@code src/test/resources/io/ignition/core/internal/FrameDecoderFuzzTestInputs/decode}, which
 * are also replayed as regression inputs. An input that fails is written to {@code target/fuzz}:
 * move it into that directory, fix the decoder, and it stays a regression test.
 */
class FrameDecoderFuzzTest {
  private static final App APP = new App("acme", Plan.ENTERPRISE);

  private final EventHub hub = EventHub.builder()
      .keys(KeyStore.inMemory(Map.of("k-acme", APP)))
      .build();

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) {
    String text = FuzzText.of(input);

    decodeChecked(text);
    if (FrameDecoder.jsonError(text) == null) {
      // What the decoder takes for JSON, gson (which the server parses replies with) reads too.
      JsonParser.parseString(text);
    }
    sessionChecked(text);
  }

  private static void decodeChecked(String text) {
    try {
      Frame frame = FrameDecoder.decode(text);
      assertThat(frame.id()).isBetween(0L, FrameDecoder.MAX_ID);
      assertThat(FrameDecoder.jsonError(text)).isNull();
      if (frame.hasData()) {
        assertThat(FrameDecoder.jsonError(frame.data())).as("data of %s", text).isNull();
      }
    } catch (ProtocolException refused) {
      assertThat(refused.code()).isEqualTo("bad_request");
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  private void sessionChecked(String text) {
    Recording connection = new Recording();
    Session session = hub.openNative(connection, "k-acme", false);
    session.onText(text);
    session.onClose();

    for (String sent : connection.texts) {
      assertThat(FuzzText.isWellFormed(sent)).as("well-formed UTF-16: %s", sent).isTrue();
      assertThat(JsonParser.parseString(sent).isJsonObject()).isTrue();
    }
    assertThat(hub.registry().subscriptionCount()).as("left behind by %s", text).isZero();
  }

  /** Records what the session sends; it runs on the fuzzer's one thread. */
  private static final class Recording implements Connection {
    final List<String> texts = new ArrayList<>();

    @Override
    public String id() {
      return "c-fuzz";
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return InetSocketAddress.createUnresolved("fuzz.invalid", 1);
    }

    @Override
    public void send(String text) {
      texts.add(text);
    }

    @Override
    public void send(Event event) {}

    @Override
    public void close(int code, String reason) {}
  }
}
