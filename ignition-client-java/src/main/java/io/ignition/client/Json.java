package io.ignition.client;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import org.jspecify.annotations.Nullable;

/** The client's one Gson configuration and strict JSON helpers. Thread-safe. */
final class Json {

  /**
   * Writes messages as JavaScript's {@code JSON.stringify} would: nulls kept, no HTML escaping,
   * so the text a JavaScript client decrypts is the text it would have produced itself.
   */
  static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  /** Parses {@code text} as one strict JSON value, or returns null when it is not one. */
  static @Nullable JsonElement parseStrictOrNull(String text) {
    if (text.isBlank()) {
      // Gson reads an empty document as JSON null; it is no JSON value at all.
      return null;
    }
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement value = JsonParser.parseReader(reader);
      return reader.peek() == JsonToken.END_DOCUMENT ? value : null;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      return null;
    }
  }

  /** Parses a frame the server sent; it must be a JSON object. */
  static JsonObject parseObject(String text) {
    JsonElement value = JsonParser.parseString(text);
    if (!value.isJsonObject()) {
      throw new JsonParseException("expected a JSON object, got: " + abbreviate(text));
    }
    return value.getAsJsonObject();
  }

  /** Reads a required string member, failing with the member's name when absent. */
  static String string(JsonObject object, String name) {
    JsonElement value = object.get(name);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new JsonParseException("missing string field \"" + name + "\"");
    }
    return value.getAsString();
  }

  /** Reads a required integer member, failing with the member's name when absent. */
  static long integer(JsonObject object, String name) {
    JsonElement value = object.get(name);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new JsonParseException("missing number field \"" + name + "\"");
    }
    return value.getAsLong();
  }

  /** Reads a required object member, failing with the member's name when absent. */
  static JsonObject object(JsonObject object, String name) {
    JsonElement value = object.get(name);
    if (value == null || !value.isJsonObject()) {
      throw new JsonParseException("missing object field \"" + name + "\"");
    }
    return value.getAsJsonObject();
  }

  /** Cuts text for error messages. */
  static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
