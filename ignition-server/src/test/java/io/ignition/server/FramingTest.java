package io.ignition.server;

import static io.ignition.server.RawWsClient.BINARY;
import static io.ignition.server.RawWsClient.CLOSE;
import static io.ignition.server.RawWsClient.CONTINUATION;
import static io.ignition.server.RawWsClient.PING;
import static io.ignition.server.RawWsClient.PONG;
import static io.ignition.server.RawWsClient.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.Plan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket framing from clients that split, interleave, forget to mask or mis-encode their
 * frames, sent byte for byte over a real socket; and the UTF-8 of everything the server sends.
 */
class FramingTest {
  private static final int MAX_FRAME_BYTES = 1024;
  private static final byte[] PING_PAYLOAD = "are you there".getBytes(StandardCharsets.UTF_8);

  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.ENTERPRISE, "k-acme")
        .maxFrameBytes(MAX_FRAME_BYTES)
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawWsClient welcomed() throws Exception {
    RawWsClient client = RawWsClient.connect(server.port(), "/v1?key=k-acme");
    assertThat(client.nextText()).startsWith("{\"op\":\"welcome\"");
    return client;
  }

  @Test
  void fragmentedText_withPingBetweenFragments_isOneMessageAndThePingIsAnsweredAtOnce()
      throws Exception {
    try (RawWsClient client = welcomed()) {
      byte[] frame = "{\"op\":\"ping\",\"id\":7}".getBytes(StandardCharsets.UTF_8);

      client.send(false, TEXT, Arrays.copyOfRange(frame, 0, 5));
      client.send(true, PING, PING_PAYLOAD);
      RawWsClient.Frame pong = client.next();
      client.send(false, CONTINUATION, Arrays.copyOfRange(frame, 5, 12));
      client.send(true, CONTINUATION, Arrays.copyOfRange(frame, 12, frame.length));
      JsonObject reply = JsonParser.parseString(client.nextText()).getAsJsonObject();

      assertThat(pong.opcode()).as("answered before the message is complete").isEqualTo(PONG);
      assertThat(pong.payload()).isEqualTo(PING_PAYLOAD);
      assertThat(reply.get("op").getAsString()).isEqualTo("ok");
      assertThat(reply.get("id").getAsLong()).isEqualTo(7);
    }
  }

  @Test
  void fragmentedText_characterSplitBetweenFragments_isAccepted() throws Exception {
    try (RawWsClient client = welcomed()) {
      byte[] frame = "{\"op\":\"ping\",\"id\":3,\"x\":\"🚀\"}".getBytes(StandardCharsets.UTF_8);
      int insideRocket = frame.length - 4;

      client.send(false, TEXT, Arrays.copyOfRange(frame, 0, insideRocket));
      client.send(true, CONTINUATION, Arrays.copyOfRange(frame, insideRocket, frame.length));

      assertThat(client.nextText()).startsWith("{\"op\":\"ok\",\"id\":3,");
    }
  }

  @Test
  void continuation_withNothingToContinue_closes1002() throws Exception {
    try (RawWsClient client = welcomed()) {
      client.send(true, CONTINUATION, "{}".getBytes(StandardCharsets.UTF_8));

      assertThat(client.awaitClose().closeCode()).isEqualTo(1002);
    }
  }

  @ParameterizedTest(name = "new {0} frame")
  @ValueSource(ints = {TEXT, BINARY})
  void dataFrame_inTheMiddleOfAFragmentedMessage_closes1002(int opcode) throws Exception {
    try (RawWsClient client = welcomed()) {
      client.send(false, TEXT, "{\"op\":".getBytes(StandardCharsets.UTF_8));

      client.send(true, opcode, "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8));

      assertThat(client.awaitClose().closeCode()).isEqualTo(1002);
    }
  }

  @Test
  void fragmentedMessage_smallFragmentsOverTheLimitInTotal_closes1009() throws Exception {
    try (RawWsClient client = welcomed()) {
      byte[] fragment = new byte[MAX_FRAME_BYTES / 4];
      Arrays.fill(fragment, (byte) ' ');

      client.send(false, TEXT, fragment);
      for (int i = 0; i < 8; i++) {
        client.send(false, CONTINUATION, fragment);
      }

      assertThat(client.awaitClose().closeCode()).isEqualTo(1009);
    }
  }

  @Test
  void fragmentedMessage_underTheLimitInTotal_isAccepted() throws Exception {
    try (RawWsClient client = welcomed()) {
      byte[] spaces = new byte[MAX_FRAME_BYTES / 4];
      Arrays.fill(spaces, (byte) ' ');

      client.send(false, TEXT, "{\"op\":\"ping\",".getBytes(StandardCharsets.UTF_8));
      client.send(false, CONTINUATION, spaces);
      client.send(false, CONTINUATION, spaces);
      client.send(true, CONTINUATION, "\"id\":4}".getBytes(StandardCharsets.UTF_8));

      assertThat(client.nextText()).startsWith("{\"op\":\"ok\",\"id\":4");
    }
  }

  /** Invalid UTF-8: a stray continuation byte, an overlong slash, a surrogate, a cut sequence. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"80", "c0af", "eda080", "e282"})
  void textFrame_invalidUtf8_closes1007(String hex) throws Exception {
    try (RawWsClient client = welcomed()) {
      client.send(true, TEXT, concat("{\"op\":\"ping\",\"x\":\"", hex, "\"}"));

      assertThat(client.awaitClose().closeCode()).isEqualTo(1007);
    }
  }

  @Test
  void fragmentedText_invalidUtf8InALaterFragment_closes1007() throws Exception {
    try (RawWsClient client = welcomed()) {
      client.send(false, TEXT, "{\"op\":\"ping\",".getBytes(StandardCharsets.UTF_8));

      client.send(true, CONTINUATION, concat("\"x\":\"", "ff", "\"}"));

      assertThat(client.awaitClose().closeCode()).isEqualTo(1007);
    }
  }

  @Test
  void unmaskedFrame_closes1002() throws Exception {
    try (RawWsClient client = welcomed()) {
      client.send(true, TEXT, "{\"op\":\"ping\",\"id\":1}".getBytes(StandardCharsets.UTF_8),
          false);

      RawWsClient.Frame close = client.awaitClose();

      assertThat(close.closeCode()).isEqualTo(1002);
      assertThat(close.closeReason()).contains("masked");
    }
  }

  @Test
  void unmaskedFrame_afterMaskedOnesInOneWrite_closes1002AfterAnsweringThem() throws Exception {
    try (RawWsClient client = welcomed()) {
      byte[] masked = RawWsClient.frame(true, TEXT,
          "{\"op\":\"ping\",\"id\":1}".getBytes(StandardCharsets.UTF_8), true);
      byte[] unmasked = RawWsClient.frame(true, TEXT,
          "{\"op\":\"ping\",\"id\":2}".getBytes(StandardCharsets.UTF_8), false);

      client.sendBytes(concat(masked, unmasked));

      RawWsClient.Frame close = client.awaitClose();
      assertThat(close.closeCode()).isEqualTo(1002);
    }
  }

  @Test
  void serverFrames_forEveryKindOfUnicodeInput_areValidUtf8() throws Exception {
    try (RawWsClient subscriber = welcomed(); RawWsClient publisher = welcomed()) {
      subscriber.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"ch-🚀-é\"}");
      assertThat(subscriber.nextText()).isEqualTo("{\"op\":\"ok\",\"id\":1}");
      String[] payloads = {"\"é中🚀\"", "\"\\ud83d\\ude80\"", "{\"k\":\"\\u0000\\u001f\"}",
          "[\"" + "🚀".repeat(100) + "\"]"};

      for (String data : payloads) {
        publisher.sendText("{\"op\":\"emit\",\"channel\":\"ch-🚀-é\",\"event\":\"e-🚀\","
            + "\"data\":" + data + "}");
        assertThat(subscriber.nextText()).contains(data);
      }
      publisher.sendText("{\"op\":\"" + "x".repeat(31) + "🚀🚀\",\"id\":9}");
      assertThat(publisher.nextText()).contains("unknown op");
      publisher.sendText("{\"op\":\"ping\",\"x\":\"\\udc00\"}");
      assertThat(publisher.nextText()).contains("lone surrogate");

      subscriber.send(true, CLOSE, new byte[] {0x03, (byte) 0xe8});
      assertThat(subscriber.awaitClose().closeCode()).isEqualTo(1000);
    }
  }

  private static byte[] concat(String before, String hex, String after) {
    byte[] middle = new byte[hex.length() / 2];
    for (int i = 0; i < middle.length; i++) {
      middle[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return concat(concat(before.getBytes(StandardCharsets.UTF_8), middle),
        after.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
