package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  private static final String ROCKET = "\uD83D\uDE80";

  @Test
  void channelError_128Characters_isValid() {
    assertThat(Names.channelError("c".repeat(128))).isNull();
  }

  @Test
  void channelError_129Characters_explainsTheRule() {
    assertThat(Names.channelError("c".repeat(129)))
        .isEqualTo("channel must be 1 to 128 characters without control characters");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void channelErrorAndEventError_missingOrEmpty_isInvalid(String name) {
    assertThat(Names.channelError(name)).isNotNull();
    assertThat(Names.eventError(name)).isNotNull();
  }

  @Test
  void channelError_128SupplementaryCodePoints_isValidThough256Chars() {
    String channel = ROCKET.repeat(128);

    assertThat(channel).hasSize(256);
    assertThat(Names.channelError(channel)).isNull();
    assertThat(Names.channelError(ROCKET.repeat(129))).isNotNull();
  }

  @Test
  void channelError_127CharsPlusOneSupplementary_countsCodePoints() {
    assertThat(Names.channelError("c".repeat(127) + ROCKET)).isNull();
    assertThat(Names.channelError("c".repeat(128) + ROCKET)).isNotNull();
  }

  @Test
  void eventError_64And65Characters_acceptsOnly64() {
    assertThat(Names.eventError("e".repeat(64))).isNull();
    assertThat(Names.eventError("e".repeat(65)))
        .isEqualTo("event must be 1 to 64 characters without control characters");
    assertThat(Names.eventError(ROCKET.repeat(64))).isNull();
    assertThat(Names.eventError(ROCKET.repeat(65))).isNotNull();
    assertThat(Names.eventError("e".repeat(63) + ROCKET)).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x09, 0x0a, 0x1f, 0x7f, 0x80, 0x85, 0x9f})
  void channelErrorAndEventError_controlCharacter_isInvalid(int control) {
    String name = "a" + (char) control + "b";

    assertThat(Names.channelError(name)).isNotNull();
    assertThat(Names.eventError(name)).isNotNull();
    assertThat(Names.channelError(String.valueOf((char) control))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x20, 0x7e, 0xa0, 0xff, 0x2028, 0xfeff})
  void channelErrorAndEventError_neighbourOfControlRange_isValid(int character) {
    String name = "a" + (char) character + "b";

    assertThat(Names.channelError(name)).isNull();
    assertThat(Names.eventError(name)).isNull();
  }

  @Test
  void channelError_punctuationAndNonAscii_isValid() {
    assertThat(Names.channelError("private-acme/news:v1 \"quoted\" \\ é 中文 " + ROCKET)).isNull();
  }
}
