package io.ignition.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ignition.core.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SocketIoFramesTest {

  @Test
  void rootEvent_isOneTextFrameBuiltOncePerEvent() {
    Event event = new Event("acme", "news", "update", "{\"n\": 1.50}", null);

    byte[] first = event.encoded(SocketIoFrames.ROOT_EVENT);
    byte[] second = event.encoded(SocketIoFrames.ROOT_EVENT);

    assertThat(second).isSameAs(first);
    assertThat(first[0]).as("FIN and text opcode").isEqualTo((byte) 0x81);
    assertThat(payload(first)).isEqualTo("42[\"update\",{\"n\": 1.50}]");
  }

  @Test
  void eventFrame_namedNamespace_putsNamespaceBeforeTheSharedArguments() {
    Event event = new Event("acme", "news", "upd\"ate", "\"U2FsdGVkX1+abc=\"", null);

    byte[] frame = SocketIoFrames.eventFrame(event, SocketIoFrames.eventHead("/k-acme"));

    assertThat(payload(frame)).isEqualTo("42/k-acme,[\"upd\\\"ate\",\"U2FsdGVkX1+abc=\"]");
    assertThat(event.encoded(SocketIoFrames.EVENT_ARGUMENTS))
        .as("the arguments are encoded once and shared")
        .isSameAs(event.encoded(SocketIoFrames.EVENT_ARGUMENTS));
  }

  @Test
  void rootEventAndEventFrame_nameReservedBySocketIo_areNone() {
    Event event = new Event("acme", "news", "disconnect", "1", null);

    assertThat(event.encoded(SocketIoFrames.ROOT_EVENT)).isEmpty();
    assertThat(SocketIoFrames.eventFrame(event, SocketIoFrames.eventHead("/k"))).isEmpty();
  }

  @Test
  void rootEvent_largePayloads_useExtendedLengths() {
    String medium = "\"" + "m".repeat(200) + "\"";
    String large = "\"" + "l".repeat(70_000) + "\"";

    byte[] mediumFrame = new Event("a", "c", "e", medium, null).encoded(SocketIoFrames.ROOT_EVENT);
    byte[] largeFrame = new Event("a", "c", "e", large, null).encoded(SocketIoFrames.ROOT_EVENT);

    assertThat(mediumFrame[1]).isEqualTo((byte) 126);
    assertThat(payload(mediumFrame)).isEqualTo("42[\"e\"," + medium + "]");
    assertThat(largeFrame[1]).isEqualTo((byte) 127);
    assertThat(payload(largeFrame)).isEqualTo("42[\"e\"," + large + "]");
  }

  @Test
  void open_listsSidNoUpgradesHeartbeatAndMaxPayload() {
    String open = SocketIoFrames.open("c-1", Duration.ofSeconds(25), Duration.ofSeconds(20),
        65_536);

    assertThat(open).isEqualTo("0{\"sid\":\"c-1\",\"upgrades\":[],\"pingInterval\":25000,"
        + "\"pingTimeout\":20000,\"maxPayload\":65536}");
  }

  @Test
  void textPackets_rootAndNamedNamespaces_matchSocketIoEncoding() {
    assertThat(SocketIoFrames.connected("/", "s1")).isEqualTo("40{\"sid\":\"s1\"}");
    assertThat(SocketIoFrames.connected("/k", "s1")).isEqualTo("40/k,{\"sid\":\"s1\"}");
    assertThat(SocketIoFrames.connectError("/k", "no \"k\""))
        .isEqualTo("44/k,{\"message\":\"no \\\"k\\\"\"}");
    assertThat(SocketIoFrames.disconnect("/")).isEqualTo("41");
    assertThat(SocketIoFrames.disconnect("/k")).isEqualTo("41/k,");
    assertThat(SocketIoFrames.event("/", "ERROR", SocketIoFrames.quote("bad\nkey")))
        .isEqualTo("42[\"ERROR\",\"bad\\u000akey\"]");
    assertThat(SocketIoFrames.ack("/", 0, "\"joined news\"")).isEqualTo("430[\"joined news\"]");
    assertThat(SocketIoFrames.ack("/k", 12, "{}")).isEqualTo("43/k,12[{}]");
  }

  @Test
  void textPackets_fromClientShapes_parseBack() throws Exception {
    String event = SocketIoFrames.event("/k", "MESSAGE", "{\"group_id\":\"g\"}");

    SocketIoPacket parsed = SocketIoParser.parse(event, 1);

    assertThat(parsed.namespace()).isEqualTo("/k");
    assertThat(parsed.eventName()).isEqualTo("MESSAGE");
    assertThat(parsed.argument(0).getAsJsonObject().get("group_id").getAsString())
        .isEqualTo("g");
  }

  /** Returns the payload of an unmasked server frame as text, checking its declared length. */
  private static String payload(byte[] frame) {
    int length = frame[1] & 0x7f;
    int offset = length == 126 ? 4 : length == 127 ? 10 : 2;
    long declared = length < 126 ? length
        : length == 126 ? ((frame[2] & 0xff) << 8) | (frame[3] & 0xff)
        : ByteBuffer.wrap(frame, 2, 8).getLong();
    assertThat(declared).as("declared payload length").isEqualTo(frame.length - offset);
    return new String(Arrays.copyOfRange(frame, offset, frame.length), StandardCharsets.UTF_8);
  }
}
