package io.ignition.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.ignition.core.internal.FrameDecoder;
import io.ignition.server.internal.SocketIoPacket.Type;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the Socket.IO packets (protocol 5) that clients send inside Engine.IO message packets:
 * {@code TYPE[ATTACHMENTS-][/NAMESPACE,][ACK_ID][JSON]}, such as {@code 2["JOIN",{...}]},
 * {@code 40/key,{"token":"k"}} or {@code 21["MESSAGE",{...}]}.
 *
 * <p>Any input is either decoded or refused with a {@link SocketIoProtocolException}; no other
 * exception escapes. The JSON payload must be strict RFC 8259 JSON nested at most 64 levels, with
 * no lone surrogates, and must have the shape its type requires. {@code CONNECT_ERROR} packets are
 * refused, since only servers send them. Binary packets are decoded (their attachment count is
 * checked, 1 to {@value #MAX_ATTACHMENTS}) so that the caller can answer them. Thread-safe: every
 * call has its own state.
 */
final class SocketIoParser {
  /** Most binary attachments one packet may announce, as in socket.io-parser. */
  static final int MAX_ATTACHMENTS = 10;

  /** Longest namespace, slash included. Namespaces may be API keys. */
  static final int MAX_NAMESPACE_CHARS = 512;

  /** Largest acknowledgement id: 2^53 - 1, the largest integer a JavaScript number holds. */
  static final long MAX_ACK_ID = 9007199254740991L;

  private static final int MAX_ACK_DIGITS = 16;
  private static final int MAX_COUNT_DIGITS = 9;

  private final String text;
  private int pos;

  private SocketIoParser(String text, int start) {
    this.text = text;
    this.pos = start;
  }

  /** Decodes the packet that is the whole of {@code text}. */
  static SocketIoPacket parse(String text) throws SocketIoProtocolException {
    return parse(text, 0);
  }

  /**
   * Decodes the packet that starts at {@code start} and runs to the end of {@code text}, such as
   * the rest of an Engine.IO message after its type digit.
   *
   * @throws SocketIoProtocolException when it is not a packet a client may send
   */
  static SocketIoPacket parse(String text, int start) throws SocketIoProtocolException {
    Objects.requireNonNull(text, "text");
    if (start < 0 || start > text.length()) {
      throw new IndexOutOfBoundsException("start " + start + " outside 0.." + text.length());
    }
    return new SocketIoParser(text, start).packet();
  }

  private SocketIoPacket packet() throws SocketIoProtocolException {
    Type type = type();
    int attachments = type == Type.BINARY_EVENT || type == Type.BINARY_ACK ? attachments() : 0;
    String namespace = namespace();
    long ackId = ackId();
    JsonElement data = payload();

    checkShape(type, ackId, data);
    return new SocketIoPacket(type, attachments, namespace, ackId, data);
  }

  private Type type() throws SocketIoProtocolException {
    if (pos >= text.length()) {
      throw new SocketIoProtocolException("empty Socket.IO packet");
    }
    char c = text.charAt(pos++);
    if (c < '0' || c > '6') {
      throw new SocketIoProtocolException("unknown Socket.IO packet type " + describe(c));
    }
    Type type = Type.values()[c - '0'];
    if (type == Type.CONNECT_ERROR) {
      throw new SocketIoProtocolException("CONNECT_ERROR packets are sent by servers, not clients");
    }
    return type;
  }

  private int attachments() throws SocketIoProtocolException {
    int start = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == start || pos >= text.length() || text.charAt(pos) != '-') {
      throw new SocketIoProtocolException("a binary packet must start with its attachment count"
          + " and '-'");
    }
    int digits = pos - start;
    long count = digits > MAX_COUNT_DIGITS ? Long.MAX_VALUE
        : Long.parseLong(text.substring(start, pos));
    pos++;
    if (count < 1 || count > MAX_ATTACHMENTS) {
      throw new SocketIoProtocolException("attachment count must be 1 to " + MAX_ATTACHMENTS
          + ", was " + (digits > MAX_COUNT_DIGITS ? "a " + digits + "-digit number" : count));
    }
    return (int) count;
  }

  private String namespace() throws SocketIoProtocolException {
    if (pos >= text.length() || text.charAt(pos) != '/') {
      return "/";
    }
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != ',') {
      char c = text.charAt(pos);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        throw new SocketIoProtocolException("namespace contains the control character "
            + describe(c));
      }
      if (pos - start >= MAX_NAMESPACE_CHARS) {
        throw new SocketIoProtocolException("namespace longer than " + MAX_NAMESPACE_CHARS
            + " characters");
      }
      pos++;
    }
    String namespace = text.substring(start, pos);
    if (pos < text.length()) {
      pos++; // the comma that ends the namespace
    }
    return namespace;
  }

  private long ackId() throws SocketIoProtocolException {
    int start = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      return SocketIoPacket.NO_ACK;
    }
    if (pos - start > MAX_ACK_DIGITS) {
      throw new SocketIoProtocolException("acknowledgement id over " + MAX_ACK_ID);
    }
    long id = Long.parseLong(text.substring(start, pos));
    if (id > MAX_ACK_ID) {
      throw new SocketIoProtocolException("acknowledgement id over " + MAX_ACK_ID);
    }
    return id;
  }

  private @Nullable JsonElement payload() throws SocketIoProtocolException {
    if (pos >= text.length()) {
      return null;
    }
    String json = text.substring(pos);
    String error = FrameDecoder.jsonError(json);
    if (error != null) {
      throw new SocketIoProtocolException("payload is not valid JSON: " + error);
    }
    return JsonParser.parseString(json);
  }

  private static void checkShape(Type type, long ackId, @Nullable JsonElement data)
      throws SocketIoProtocolException {
    switch (type) {
      case CONNECT -> require(data == null || data.isJsonObject(),
          "a CONNECT payload must be a JSON object (the auth)");
      case DISCONNECT -> require(data == null, "a DISCONNECT packet carries no payload");
      case EVENT, BINARY_EVENT -> require(data != null && data.isJsonArray()
          && !data.getAsJsonArray().isEmpty() && isString(data.getAsJsonArray().get(0)),
          "an EVENT payload must be an array that starts with the event name as a string");
      default -> {
        require(data != null && data.isJsonArray(), "an ACK payload must be an array");
        require(ackId != SocketIoPacket.NO_ACK, "an ACK packet needs an acknowledgement id");
      }
    }
  }

  private static void require(boolean condition, String message)
      throws SocketIoProtocolException {
    if (!condition) {
      throw new SocketIoProtocolException(message);
    }
  }

  private static boolean isString(JsonElement element) {
    return element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Returns a character as a client can read it in an error message. */
  static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }
}
