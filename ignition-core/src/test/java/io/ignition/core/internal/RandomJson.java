package io.ignition.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Writes random valid JSON and native-protocol frames, remembering what they should decode to. */
final class RandomJson {
  private static final int[] CODE_POINTS = {
    'a', 'z', 'A', '0', ' ', '"', '\\', '/', '\'', 0, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x7f,
    0x80, 0xe9, 0x4e2d, 0xe000, 0xfffd, 0xffff, 0x1f680, 0x10ffff
  };

  /** A generated frame and the fields it must decode to. */
  record GeneratedFrame(
      String text,
      String op,
      long id,
      @Nullable String channel,
      @Nullable String event,
      @Nullable String data) {}

  private final Random random;

  RandomJson(Random random) {
    this.random = random;
  }

  /** Returns a frame with op, sometimes id, channel, event and unknown fields, in random order. */
  GeneratedFrame frame(boolean withData) {
    String op = content();
    long id = random.nextBoolean() ? 1 + random.nextLong(FrameDecoder.MAX_ID) : 0;
    String channel = random.nextBoolean() ? content() : null;
    String event = random.nextBoolean() ? content() : null;
    String data = withData || random.nextBoolean() ? value(4) : null;

    List<String> members = new ArrayList<>();
    members.add(member("op", string(op)));
    if (id != 0) {
      members.add(member("id", Long.toString(id)));
    }
    if (channel != null) {
      members.add(member("channel", string(channel)));
    }
    if (event != null) {
      members.add(member("event", string(event)));
    }
    if (data != null) {
      members.add(member("data", data));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      members.add(member("_" + content(), value(3)));
    }
    Collections.shuffle(members, random);
    return new GeneratedFrame(object(members), op, id, channel, event, data);
  }

  /** Returns a random JSON value nesting at most {@code depthLeft} containers. */
  String value(int depthLeft) {
    int kind = random.nextInt(depthLeft > 0 ? 6 : 4);
    return switch (kind) {
      case 0 -> number();
      case 1 -> string(content());
      case 2 -> List.of("true", "false", "null").get(random.nextInt(3));
      case 3 -> string("");
      case 4 -> array(depthLeft - 1);
      default -> {
        List<String> members = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          members.add(member(content(), value(depthLeft - 1)));
        }
        yield object(members);
      }
    };
  }

  private String array(int depthLeft) {
    List<String> items = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      items.add(space() + value(depthLeft) + space());
    }
    return "[" + space() + String.join(",", items) + "]";
  }

  private String object(List<String> members) {
    return "{" + space() + String.join(",", members) + "}";
  }

  private String member(String name, String value) {
    return space() + string(name) + space() + ":" + space() + value + space();
  }

  /** Returns a number as RFC 8259 allows it: sign, integer, fraction and exponent parts. */
  String number() {
    StringBuilder out = new StringBuilder();
    if (random.nextBoolean()) {
      out.append('-');
    }
    out.append(random.nextInt(4) == 0 ? "0" : Integer.toString(1 + random.nextInt(99_999)));
    if (random.nextBoolean()) {
      out.append('.').append(digits());
    }
    if (random.nextBoolean()) {
      out.append(random.nextBoolean() ? 'e' : 'E');
      out.append(List.of("", "+", "-").get(random.nextInt(3))).append(digits());
    }
    return out.toString();
  }

  private String digits() {
    return Integer.toString(random.nextInt(1000)) + (random.nextBoolean() ? "0" : "");
  }

  /** Returns random string content: ASCII, controls, quotes, non-ASCII and astral code points. */
  String content() {
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      int codePoint = random.nextInt(3) == 0
          ? CODE_POINTS[random.nextInt(CODE_POINTS.length)]
          : 'a' + random.nextInt(26);
      out.appendCodePoint(codePoint);
    }
    return out.toString();
  }

  /** Encodes content as a JSON string, choosing at random between raw chars and escapes. */
  String string(String content) {
    StringBuilder out = new StringBuilder("\"");
    content.codePoints().forEach(codePoint -> appendEncoded(out, codePoint));
    return out.append('"').toString();
  }

  private void appendEncoded(StringBuilder out, int codePoint) {
    boolean mustEscape = codePoint < 0x20 || codePoint == '"' || codePoint == '\\';
    if (!mustEscape && random.nextInt(4) != 0) {
      out.appendCodePoint(codePoint);
      return;
    }
    String shortEscape = shortEscape(codePoint);
    if (shortEscape != null && random.nextBoolean()) {
      out.append(shortEscape);
      return;
    }
    for (char c : Character.toChars(codePoint)) {
      String hex = String.format("\\u%04x", (int) c);
      out.append(random.nextBoolean() ? hex : hex.toUpperCase().replace("\\U", "\\u"));
    }
  }

  private static @Nullable String shortEscape(int codePoint) {
    return switch (codePoint) {
      case '"' -> "\\\"";
      case '\\' -> "\\\\";
      case '/' -> "\\/";
      case '\b' -> "\\b";
      case '\f' -> "\\f";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> null;
    };
  }

  private String space() {
    if (random.nextInt(3) != 0) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      out.append(" \t\n\r".charAt(random.nextInt(4)));
    }
    return out.toString();
  }
}
