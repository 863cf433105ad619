package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ignition.core.internal.RandomJson.GeneratedFrame;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decodes seeded random input: valid frames must decode exactly, anything else must be refused. */
class FrameDecoderPropertyTest {
  private static final long SEED = 0x1A61710AL;
  private static final List<String> TOKENS = List.of(
      "{", "}", "[", "]", ",", ":", "\"", "\\", "\"op\"", "\"id\"", "\"data\"", "\"channel\"",
      "\"event\"", "\"emit\"", "0", "-", "1", "9007199254740992", "1.5e3", "e", ".", "+", "true",
      "null", "fals", "\\u", "\\uD83D", "\\uDE80", "\\u00", " ", "\n", "\u0000", "\uD83D",
      "\uDE80", "\u00e9", "01", "[[[[", "]]]]", "\"op\":\"x\"", "{\"op\":\"x\",\"data\":");

  private static final String MUTATION_CHARS = "{}[],:\"\\ 0-.eu";

  private final Random random = new Random(SEED);
  private final RandomJson json = new RandomJson(random);

  @Test
  void decode_generatedValidFrames_returnGeneratedFields() throws ProtocolException {
    for (int i = 0; i < 5_000; i++) {
      GeneratedFrame expected = json.frame(true);

      Frame frame = FrameDecoder.decode(expected.text());

      assertThat(frame.op()).as(expected.text()).isEqualTo(expected.op());
      assertThat(frame.id()).as(expected.text()).isEqualTo(expected.id());
      assertThat(frame.channel()).as(expected.text()).isEqualTo(expected.channel());
      assertThat(frame.event()).as(expected.text()).isEqualTo(expected.event());
      assertThat(frame.data()).as(expected.text()).isEqualTo(expected.data());
    }
  }

  @Test
  void decode_20000RandomInputs_returnsFrameOrThrowsProtocolException() {
    int decoded = 0;
    int refused = 0;

    for (int i = 0; i < 20_000; i++) {
      String text = switch (i % 3) {
        case 0 -> tokenSoup();
        case 1 -> randomChars();
        default -> mutate(json.frame(false).text());
      };
      if (decodeChecked(text)) {
        decoded++;
      } else {
        refused++;
      }
    }

    // Both outcomes must occur, or the generators are not exercising the decoder.
    assertThat(decoded).isGreaterThan(500);
    assertThat(refused).isGreaterThan(10_000);
  }

  /** Returns whether text decoded; fails the test on any outcome but a Frame or a refusal. */
  private static boolean decodeChecked(String text) {
    try {
      Frame frame = FrameDecoder.decode(text);
      assertConsistent(frame);
      return true;
    } catch (ProtocolException expected) {
      assertThat(expected.code()).isEqualTo("bad_request");
      assertThat(expected.getMessage()).isNotBlank();
      return false;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("decode threw " + e + " for input " + escapeForReport(text), e);
    }
  }

  /** An accepted frame's data must itself be one valid JSON value, ending where it says. */
  private static void assertConsistent(Frame frame) {
    assertThat(frame.id()).isBetween(0L, FrameDecoder.MAX_ID);
    if (!frame.hasData()) {
      return;
    }
    String rewrapped = "{\"op\":\"x\",\"data\":" + frame.data() + "}";
    try {
      assertThat(FrameDecoder.decode(rewrapped).data()).isEqualTo(frame.data());
    } catch (ProtocolException e) {
      throw new AssertionError("accepted data does not decode again: " + frame.text(), e);
    }
  }

  private String tokenSoup() {
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(30); i > 0; i--) {
      out.append(TOKENS.get(random.nextInt(TOKENS.size())));
    }
    return out.toString();
  }

  private String randomChars() {
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(40); i > 0; i--) {
      out.append(randomChar());
    }
    return out.toString();
  }

  private char randomChar() {
    return random.nextBoolean()
        ? (char) (0x20 + random.nextInt(0x60))
        : (char) random.nextInt(0x10000);
  }

  /** Deletes, inserts or replaces one to three chars of a valid frame. */
  private String mutate(String valid) {
    StringBuilder out = new StringBuilder(valid);
    for (int i = 1 + random.nextInt(3); i > 0 && out.length() > 0; i--) {
      int at = random.nextInt(out.length());
      char c = random.nextBoolean()
          ? MUTATION_CHARS.charAt(random.nextInt(MUTATION_CHARS.length()))
          : randomChar();
      switch (random.nextInt(3)) {
        case 0 -> out.deleteCharAt(at);
        case 1 -> out.insert(at, c);
        default -> out.setCharAt(at, c);
      }
    }
    return out.toString();
  }

  private static String escapeForReport(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(
        c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return out.toString();
  }
}
