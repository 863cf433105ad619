package io.ignition.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonSyntaxException;
import com.google.gson.reflect.TypeToken;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event delivered to a handler registered with {@link Ignition#on}: the channel it was
 * emitted to, its name and its data.
 *
 * <p>With an encryption key configured, the data has already been decrypted: {@link #asString()}
 * is the plaintext and {@link #data()} is that plaintext parsed as JSON when it is valid JSON,
 * otherwise a JSON string holding it. Immutable and thread-safe.
 */
public final class Message {

  private final String channel;
  private final String event;
  private final JsonElement data;
  private final @Nullable String plaintext;

  private Message(String channel, String event, JsonElement data, @Nullable String plaintext) {
    this.channel = channel;
    this.event = event;
    this.data = data;
    this.plaintext = plaintext;
  }

  /** A message whose data travelled as plain JSON. */
  static Message plain(String channel, String event, JsonElement data) {
    return new Message(channel, event, data, null);
  }

  /** A message decrypted from {@code plaintext}; data is its JSON reading when it has one. */
  static Message decrypted(String channel, String event, JsonElement data, String plaintext) {
    return new Message(channel, event, data, plaintext);
  }

  /** The channel the event was emitted to. */
  public String channel() {
    return channel;
  }

  /** The event's name, the one the handler was registered for. */
  public String event() {
    return event;
  }

  /** The event's data; {@code JsonNull} when the sender sent none. */
  public JsonElement data() {
    return data;
  }

  /**
   * The data as text: the plaintext for an encrypted event, the value of a JSON string, otherwise
   * the JSON text of the data (for example {@code {"a":1}}, {@code 56} or {@code null}).
   */
  public String asString() {
    if (plaintext != null) {
      return plaintext;
    }
    if (data.isJsonPrimitive() && data.getAsJsonPrimitive().isString()) {
      return data.getAsString();
    }
    return Json.GSON.toJson(data);
  }

  /**
   * Reads the data as an instance of {@code type} with Gson, for example a record.
   *
   * @return the instance, or null when the data is JSON null
   * @throws JsonSyntaxException when the data does not fit {@code type}
   */
  public <T> @Nullable T as(Class<T> type) {
    return Json.GSON.fromJson(data, type);
  }

  /**
   * Reads the data as a generic type, for example {@code new TypeToken<List<String>>() {}}.
   *
   * @return the instance, or null when the data is JSON null
   * @throws JsonSyntaxException when the data does not fit {@code type}
   */
  public <T> @Nullable T as(TypeToken<T> type) {
    return Json.GSON.fromJson(data, type);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Message that
        && channel.equals(that.channel)
        && event.equals(that.event)
        && data.equals(that.data)
        && Objects.equals(plaintext, that.plaintext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channel, event, data, plaintext);
  }

  @Override
  public String toString() {
    return "Message[channel=" + channel + ", event=" + event + ", data=" + data + "]";
  }
}
