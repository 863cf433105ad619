package io.ignition.core.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one client frame of the native protocol: a strict RFC 8259 JSON object whose known
 * fields are {@code op}, {@code id}, {@code channel}, {@code event} and {@code data}.
 *
 * <p>Any input is either decoded or refused with a {@link ProtocolException} of code {@code
 * bad_request}; no other exception escapes. Lone surrogates, escaped or raw, are refused in every
 * string of the frame, {@code data} included, because the server only sends valid UTF-8. The
 * decoder checks syntax and field types only: whether {@code op} is known and whether channel and
 * event are valid names is the caller's business. Thread-safe: every call has its own state.
 */
public final class FrameDecoder {
  /*
   * One pass over the String, no recursion. The top-level object is read field by field; every
   * other value is skipped by a loop that tracks the nesting depth in a counter and the kind of
   * each open container in one bit of a long (set for an object, clear for an array). The depth
   * limit of 64 is exactly the width of that long. Strings without escapes are cut out with
   * substring; only strings with escapes go through a StringBuilder.
   */

  static final int MAX_DEPTH = 64;
  static final long MAX_ID = 9007199254740991L;

  private static final String ID_MESSAGE = "id must be a positive integer";
  private static final int MAX_ID_DIGITS = 16;
  private static final int OP = 0;
  private static final int ID = 1;
  private static final int CHANNEL = 2;
  private static final int EVENT = 3;
  private static final int DATA = 4;
  private static final int UNKNOWN = -1;
  private static final String[] FIELD_NAMES = {"op", "id", "channel", "event", "data"};

  private final String text;
  private final int length;
  private int pos;
  /** Containers open around pos, the top-level object included. */
  private int depth;
  /** Bit {@code d - 1} is set when the container at depth {@code d} is an object. */
  private long objectLevels;
  /** Known fields seen so far, one bit per field constant. */
  private int seenFields;

  private @Nullable String op;
  private long id;
  private @Nullable String channel;
  private @Nullable String event;
  private int dataStart = -1;
  private int dataEnd = -1;

  private FrameDecoder(String text) {
    this.text = text;
    this.length = text.length();
  }

  /**
   * Decodes one client frame.
   *
   * @throws ProtocolException with code {@code bad_request} when {@code text} is not exactly one
   *     JSON object, nests deeper than {@value #MAX_DEPTH} levels, lacks {@code op}, repeats a
   *     known field or gives one the wrong type
   */
  static Frame decode(String text) throws ProtocolException {
    Objects.requireNonNull(text, "text");
    return new FrameDecoder(text).frame(true);
  }

  /**
   * Decodes an object with the same fields as a frame where {@code op} is optional (empty when
   * absent), such as the body of an HTTP publish.
   *
   * @throws ProtocolException as {@link #decode} does, except for a missing {@code op}
   */
  static Frame decodeBody(String text) throws ProtocolException {
    Objects.requireNonNull(text, "text");
    return new FrameDecoder(text).frame(false);
  }

  /** Returns why {@code text} is not exactly one JSON value, or null when it is one. */
  public static @Nullable String jsonError(String text) {
    FrameDecoder decoder = new FrameDecoder(text);
    try {
      decoder.skipWhitespace();
      decoder.skipValue();
      decoder.skipWhitespace();
      if (decoder.pos < decoder.length) {
        throw decoder.unexpected();
      }
      return null;
    } catch (ProtocolException e) {
      return e.getMessage();
    }
  }

  private Frame frame(boolean requireOp) throws ProtocolException {
    skipWhitespace();
    if (peek() != '{') {
      throw notAnObject();
    }
    readTopObject();
    skipWhitespace();
    if (pos < length) {
      throw unexpected();
    }

    if (op == null && requireOp) {
      throw fail("missing field op");
    }
    return new Frame(op == null ? "" : op, id, channel, event, text, dataStart, dataEnd);
  }

  /** Reports a syntax error in preference to the wrong top-level type. */
  private ProtocolException notAnObject() throws ProtocolException {
    skipValue();
    skipWhitespace();
    if (pos < length) {
      throw unexpected();
    }
    return fail("frame must be a JSON object");
  }

  /** Reports a syntax error in the value at pos in preference to its wrong type. */
  private ProtocolException wrongType(String message) throws ProtocolException {
    skipValue();
    return fail(message);
  }

  private void readTopObject() throws ProtocolException {
    depth = 1;
    objectLevels = 1L;
    pos++;
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    do {
      skipWhitespace();
      int field = readFieldName();
      skipWhitespace();
      expectColon();
      skipWhitespace();
      readFieldValue(field);
      skipWhitespace();
    } while (nextTopMember());
  }

  private boolean nextTopMember() throws ProtocolException {
    int c = peek();
    if (c == ',') {
      pos++;
      return true;
    }
    if (c != '}') {
      throw unexpected();
    }
    pos++;
    return false;
  }

  /** Reads a top-level field name and returns its field constant, or UNKNOWN. */
  private int readFieldName() throws ProtocolException {
    if (peek() != '"') {
      throw fail("expected a field name at offset " + pos);
    }
    int start = pos + 1;
    int end = plainStringEnd(start);
    int field;
    if (end >= 0) {
      pos = end + 1;
      field = fieldOf(text, start, end - start);
    } else {
      String name = readEscapedString();
      field = fieldOf(name, 0, name.length());
    }

    if (field == UNKNOWN) {
      return field;
    }
    if ((seenFields & (1 << field)) != 0) {
      throw fail("duplicate field " + FIELD_NAMES[field]);
    }
    seenFields |= 1 << field;
    return field;
  }

  private static int fieldOf(String source, int start, int count) {
    for (int field = 0; field < FIELD_NAMES.length; field++) {
      String name = FIELD_NAMES[field];
      if (name.length() == count && source.regionMatches(start, name, 0, count)) {
        return field;
      }
    }
    return UNKNOWN;
  }

  private void readFieldValue(int field) throws ProtocolException {
    switch (field) {
      case OP -> op = readStringField("op");
      case ID -> id = readId();
      case CHANNEL -> channel = readStringField("channel");
      case EVENT -> event = readStringField("event");
      case DATA -> {
        dataStart = pos;
        skipValue();
        dataEnd = pos;
      }
      default -> skipValue();
    }
  }

  private String readStringField(String name) throws ProtocolException {
    if (peek() != '"') {
      throw wrongType("field " + name + " must be a string");
    }
    int end = plainStringEnd(pos + 1);
    if (end < 0) {
      return readEscapedString();
    }
    String value = text.substring(pos + 1, end);
    pos = end + 1;
    return value;
  }

  /**
   * Returns the offset of the closing quote of the string whose contents start at {@code start},
   * or -1 when it needs the careful path: escapes, control characters, surrogates or no end.
   */
  private int plainStringEnd(int start) {
    for (int i = start; i < length; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
        return -1;
      }
    }
    return -1;
  }

  private String readEscapedString() throws ProtocolException {
    StringBuilder out = new StringBuilder();
    scanString(out);
    return out.toString();
  }

  private long readId() throws ProtocolException {
    int start = pos;
    int c = peek();
    if (c != '-' && !isDigit(c)) {
      throw wrongType(ID_MESSAGE);
    }
    skipNumber();

    // Only unsigned digits are left to check; the length cap keeps the long from overflowing.
    if (pos - start > MAX_ID_DIGITS) {
      throw fail(ID_MESSAGE);
    }
    long value = 0;
    for (int i = start; i < pos; i++) {
      char digit = text.charAt(i);
      if (!isDigit(digit)) {
        throw fail(ID_MESSAGE);
      }
      value = value * 10 + (digit - '0');
    }
    if (value < 1 || value > MAX_ID) {
      throw fail(ID_MESSAGE);
    }
    return value;
  }

  /** Validates and skips one JSON value of any depth, starting at the current depth. */
  private void skipValue() throws ProtocolException {
    int base = depth;
    while (true) {
      if (startValue() && !endValue(base)) {
        return;
      }
    }
  }

  /**
   * Consumes a scalar or opens a container. Returns true when a whole value was consumed, false
   * when a container was opened and its first member's value comes next.
   */
  private boolean startValue() throws ProtocolException {
    skipWhitespace();
    switch (peek()) {
      case '{' -> {
        return open(true);
      }
      case '[' -> {
        return open(false);
      }
      case '"' -> scanString(null);
      case 't' -> skipLiteral("true");
      case 'f' -> skipLiteral("false");
      case 'n' -> skipLiteral("null");
      case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> skipNumber();
      default -> throw unexpected();
    }
    return true;
  }

  private boolean open(boolean object) throws ProtocolException {
    if (++depth > MAX_DEPTH) {
      throw fail("JSON nested deeper than " + MAX_DEPTH + " levels");
    }
    long bit = 1L << (depth - 1);
    objectLevels = object ? objectLevels | bit : objectLevels & ~bit;
    pos++;
    skipWhitespace();

    if (peek() == (object ? '}' : ']')) {
      pos++;
      depth--;
      return true;
    }
    if (object) {
      skipMemberName();
    }
    return false;
  }

  /**
   * After a whole value, closes containers until one continues with a comma or depth is back at
   * base. Returns true when another value comes next, false when the value at base is done.
   */
  private boolean endValue(int base) throws ProtocolException {
    while (depth > base) {
      skipWhitespace();
      boolean object = (objectLevels & (1L << (depth - 1))) != 0;
      int c = peek();
      if (c == ',') {
        pos++;
        if (object) {
          skipMemberName();
        }
        return true;
      }
      if (c != (object ? '}' : ']')) {
        throw unexpected();
      }
      pos++;
      depth--;
    }
    return false;
  }

  private void skipMemberName() throws ProtocolException {
    skipWhitespace();
    if (peek() != '"') {
      throw fail("expected a field name at offset " + pos);
    }
    scanString(null);
    skipWhitespace();
    expectColon();
  }

  private void expectColon() throws ProtocolException {
    if (peek() != ':') {
      throw unexpected();
    }
    pos++;
  }

  /** Validates the string whose opening quote is at pos, appending its decoded chars to out. */
  private void scanString(@Nullable StringBuilder out) throws ProtocolException {
    int start = pos;
    pos++;
    while (true) {
      int c = peek();
      if (c == '"') {
        pos++;
        return;
      }
      if (c == '\\') {
        escape(out);
      } else if (c < 0) {
        throw fail("unterminated string starting at offset " + start);
      } else if (c < 0x20) {
        throw fail("unescaped control character " + describe(c) + " in string at offset " + pos);
      } else if (Character.isSurrogate((char) c)) {
        rawSurrogate(out);
      } else {
        if (out != null) {
          out.append((char) c);
        }
        pos++;
      }
    }
  }

  private void rawSurrogate(@Nullable StringBuilder out) throws ProtocolException {
    char high = text.charAt(pos);
    if (!Character.isHighSurrogate(high)
        || pos + 1 >= length
        || !Character.isLowSurrogate(text.charAt(pos + 1))) {
      throw loneSurrogate(high, pos);
    }
    if (out != null) {
      out.append(high).append(text.charAt(pos + 1));
    }
    pos += 2;
  }

  /** Consumes the escape whose backslash is at pos. */
  private void escape(@Nullable StringBuilder out) throws ProtocolException {
    int at = pos;
    int c = at + 1 < length ? text.charAt(at + 1) : -1;
    char decoded;
    switch (c) {
      case '"', '\\', '/' -> decoded = (char) c;
      case 'b' -> decoded = '\b';
      case 'f' -> decoded = '\f';
      case 'n' -> decoded = '\n';
      case 'r' -> decoded = '\r';
      case 't' -> decoded = '\t';
      case 'u' -> {
        unicodeEscape(out);
        return;
      }
      case -1 -> throw fail("unterminated string at offset " + length);
      default -> throw fail("bad escape " + describe(c) + " at offset " + at);
    }
    if (out != null) {
      out.append(decoded);
    }
    pos = at + 2;
  }

  /** Consumes the unicode escape at pos, and the low surrogate escape a high one needs. */
  private void unicodeEscape(@Nullable StringBuilder out) throws ProtocolException {
    int at = pos;
    char first = hex4(at);
    pos = at + 6;
    if (!Character.isSurrogate(first)) {
      if (out != null) {
        out.append(first);
      }
      return;
    }

    if (Character.isLowSurrogate(first) || !text.startsWith("\\u", pos)) {
      throw loneSurrogate(first, at);
    }
    char second = hex4(pos);
    if (!Character.isLowSurrogate(second)) {
      throw loneSurrogate(first, at);
    }
    pos += 6;
    if (out != null) {
      out.append(first).append(second);
    }
  }

  /** Reads the four hex digits of the unicode escape whose backslash is at {@code at}. */
  private char hex4(int at) throws ProtocolException {
    int value = 0;
    for (int i = at + 2; i < at + 6; i++) {
      if (i >= length) {
        throw fail("unterminated string at offset " + length);
      }
      int digit = hexValue(text.charAt(i));
      if (digit < 0) {
        throw fail("bad \\u escape at offset " + at);
      }
      value = value << 4 | digit;
    }
    return (char) value;
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Skips a number per RFC 8259: {@code -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?}. */
  private void skipNumber() throws ProtocolException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int c = peek();
    if (c == '0') {
      pos++;
      if (isDigit(peek())) {
        throw fail("leading zero in number at offset " + start);
      }
    } else {
      requireDigits(start);
    }

    if (peek() == '.') {
      pos++;
      requireDigits(start);
    }
    c = peek();
    if (c == 'e' || c == 'E') {
      pos++;
      c = peek();
      if (c == '+' || c == '-') {
        pos++;
      }
      requireDigits(start);
    }
  }

  private void requireDigits(int numberStart) throws ProtocolException {
    if (!isDigit(peek())) {
      throw fail("invalid number at offset " + numberStart);
    }
    do {
      pos++;
    } while (isDigit(peek()));
  }

  private void skipLiteral(String literal) throws ProtocolException {
    if (!text.startsWith(literal, pos)) {
      throw fail("invalid literal at offset " + pos);
    }
    pos += literal.length();
  }

  private void skipWhitespace() {
    while (pos < length) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** Returns the char at pos, or -1 at the end of the text. */
  private int peek() {
    return pos < length ? text.charAt(pos) : -1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private ProtocolException unexpected() {
    if (pos >= length) {
      return fail("unexpected end of input at offset " + length);
    }
    return fail("unexpected character " + describe(text.charAt(pos)) + " at offset " + pos);
  }

  private ProtocolException loneSurrogate(char c, int at) {
    return fail("lone surrogate " + describe(c) + " at offset " + at);
  }

  private static String describe(int c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + (char) c + "'";
    }
    return String.format("U+%04X", c);
  }

  private ProtocolException fail(String message) {
    return new ProtocolException("bad_request", message, id);
  }
}
