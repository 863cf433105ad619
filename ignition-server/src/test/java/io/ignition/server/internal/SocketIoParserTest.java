package io.ignition.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.ignition.core.internal.Json;
import io.ignition.server.internal.SocketIoPacket.Type;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SocketIoParserTest {

  @Test
  void parse_connectWithAuth_readsRootNamespaceAndAuthObject() throws Exception {
    SocketIoPacket packet = SocketIoParser.parse("0{\"token\":\"k-acme\"}");

    assertThat(packet.type()).isEqualTo(Type.CONNECT);
    assertThat(packet.namespace()).isEqualTo("/");
    assertThat(packet.wantsAck()).isFalse();
    assertThat(packet.data().getAsJsonObject().get("token").getAsString()).isEqualTo("k-acme");
  }

  @Test
  void parse_connectToNamespace_readsNamespaceWithOrWithoutComma() throws Exception {
    SocketIoPacket withComma = SocketIoParser.parse("0/k-acme,");
    SocketIoPacket withoutComma = SocketIoParser.parse("0/k-acme");
    SocketIoPacket withAuth = SocketIoParser.parse("0/k-acme,{\"token\":\"t\"}");

    assertThat(withComma.namespace()).isEqualTo("/k-acme");
    assertThat(withComma.data()).isNull();
    assertThat(withoutComma.namespace()).isEqualTo("/k-acme");
    assertThat(withAuth.namespace()).isEqualTo("/k-acme");
    assertThat(withAuth.data().isJsonObject()).isTrue();
  }

  @Test
  void parse_eventWithNamespaceAndAckId_readsNameArgumentsAndId() throws Exception {
    SocketIoPacket packet =
        SocketIoParser.parse("2/k,12[\"JOIN\",{\"key\":\"k\",\"group_id\":\"news\"}]");

    assertThat(packet.type()).isEqualTo(Type.EVENT);
    assertThat(packet.namespace()).isEqualTo("/k");
    assertThat(packet.ackId()).isEqualTo(12);
    assertThat(packet.eventName()).isEqualTo("JOIN");
    assertThat(packet.argument(0).getAsJsonObject().get("group_id").getAsString())
        .isEqualTo("news");
    assertThat(packet.argument(1)).isNull();
  }

  @Test
  void parse_fromOffset_skipsTheEngineIoType() throws Exception {
    SocketIoPacket packet = SocketIoParser.parse("42[\"LEAVE\",\"news\"]", 1);

    assertThat(packet.eventName()).isEqualTo("LEAVE");
    assertThat(packet.argument(0).getAsString()).isEqualTo("news");
  }

  @Test
  void parse_numbersInArguments_keepTheirTextWhenWrittenAgain() throws Exception {
    SocketIoPacket packet = SocketIoParser.parse(
        "2[\"MESSAGE\",{\"message\":{\"n\":1.50,\"big\":12345678901234567890,\"e\":1E+2}}]");

    String message = Json.write(packet.argument(0).getAsJsonObject().get("message"));

    assertThat(message).isEqualTo("{\"n\":1.50,\"big\":12345678901234567890,\"e\":1E+2}");
  }

  @Test
  void parse_binaryEventAndAck_readAttachmentCounts() throws Exception {
    SocketIoPacket event =
        SocketIoParser.parse("51-[\"MESSAGE\",{\"_placeholder\":true,\"num\":0}]");
    SocketIoPacket ack = SocketIoParser.parse("610-/k,3[{\"_placeholder\":true,\"num\":0}]");

    assertThat(event.type()).isEqualTo(Type.BINARY_EVENT);
    assertThat(event.attachments()).isEqualTo(1);
    assertThat(ack.type()).isEqualTo(Type.BINARY_ACK);
    assertThat(ack.attachments()).isEqualTo(10);
    assertThat(ack.namespace()).isEqualTo("/k");
    assertThat(ack.ackId()).isEqualTo(3);
  }

  @Test
  void parse_disconnectAndAck_readTheirShapes() throws Exception {
    assertThat(SocketIoParser.parse("1").type()).isEqualTo(Type.DISCONNECT);
    assertThat(SocketIoParser.parse("1/k,").namespace()).isEqualTo("/k");
    SocketIoPacket ack = SocketIoParser.parse("39007199254740991[\"ok\"]");
    assertThat(ack.type()).isEqualTo(Type.ACK);
    assertThat(ack.ackId()).isEqualTo(SocketIoParser.MAX_ACK_ID);
  }

  static Stream<Arguments> refusedPackets() {
    return Stream.of(
        arguments("", "empty Socket.IO packet"),
        arguments("7[]", "unknown Socket.IO packet type '7'"),
        arguments("x", "unknown Socket.IO packet type 'x'"),
        arguments("\u0001", "unknown Socket.IO packet type U+0001"),
        arguments("4{\"message\":\"x\"}", "CONNECT_ERROR packets are sent by servers"),
        arguments("0\"token\"", "a CONNECT payload must be a JSON object"),
        arguments("0[]", "a CONNECT payload must be a JSON object"),
        arguments("1{}", "a DISCONNECT packet carries no payload"),
        arguments("2", "an EVENT payload must be an array"),
        arguments("2{}", "an EVENT payload must be an array"),
        arguments("2[]", "an EVENT payload must be an array"),
        arguments("2[1,2]", "an EVENT payload must be an array"),
        arguments("2[null]", "an EVENT payload must be an array"),
        arguments("3[]", "an ACK packet needs an acknowledgement id"),
        arguments("31{}", "an ACK payload must be an array"),
        arguments("2[\"JOIN\"", "payload is not valid JSON"),
        arguments("2[\"JOIN\",]", "payload is not valid JSON"),
        arguments("2['JOIN']", "payload is not valid JSON"),
        arguments("2[\"JOIN\"] x", "payload is not valid JSON"),
        arguments("2[\"\\ud800\"]", "payload is not valid JSON"),
        arguments("2[\"x\"," + "[".repeat(64) + "]".repeat(64) + "]", "payload is not valid JSON"),
        arguments("290071992547409920[\"x\"]", "acknowledgement id over"),
        arguments("299999999999999999999[\"x\"]", "acknowledgement id over"),
        arguments("5[\"x\"]", "attachment count and '-'"),
        arguments("5-[\"x\"]", "attachment count and '-'"),
        arguments("51[\"x\"]", "attachment count and '-'"),
        arguments("50-[\"x\"]", "attachment count must be 1 to 10, was 0"),
        arguments("511-[\"x\"]", "attachment count must be 1 to 10, was 11"),
        arguments("599999999999999999999-[\"x\"]", "was a 20-digit number"),
        arguments("2/a\u0000b,[\"x\"]", "namespace contains the control character U+0000"),
        arguments("2/" + "n".repeat(SocketIoParser.MAX_NAMESPACE_CHARS) + ",[\"x\"]",
            "namespace longer than 512 characters"));
  }

  @ParameterizedTest
  @MethodSource("refusedPackets")
  void parse_malformedOrServerOnlyPacket_isRefusedWithReason(String packet, String reason) {
    assertThatThrownBy(() -> SocketIoParser.parse(packet))
        .isInstanceOf(SocketIoProtocolException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void parse_longestNamespace_isAccepted() throws Exception {
    String namespace = "/" + "n".repeat(SocketIoParser.MAX_NAMESPACE_CHARS - 1);

    assertThat(SocketIoParser.parse("2" + namespace + ",[\"x\"]").namespace())
        .isEqualTo(namespace);
  }

  @Test
  void parse_randomInput_decodesOrRefusesWithProtocolExceptionOnly() {
    Random random = new Random(6);
    String alphabet = "0123456789/,-[]{}\":\\ue.+ xX\u00e9\ud83d\ude80\u0000";
    int refused = 0;

    for (int i = 0; i < 20_000; i++) {
      StringBuilder packet = new StringBuilder();
      int length = random.nextInt(24);
      for (int j = 0; j < length; j++) {
        packet.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        SocketIoParser.parse(packet.toString());
      } catch (SocketIoProtocolException expected) {
        refused++;
      }
    }

    // Any other exception fails the test; most random strings are refused.
    assertThat(refused).isGreaterThan(10_000);
  }
}
