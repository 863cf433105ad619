package io.ignition.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonIOException;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.security.GeneralSecurityException;
import org.jspecify.annotations.Nullable;

/**
 * Turns application messages into the {@code data} of frames and back, encrypting end to end
 * when an encryption key is set. Thread-safe.
 */
final class PayloadCodec {

  private final @Nullable String encryptionKey;

  PayloadCodec(@Nullable String encryptionKey) {
    this.encryptionKey = encryptionKey;
  }

  /**
   * The {@code data} to send for {@code message}. Without a key it is the message as JSON. With
   * one, as in the JavaScript SDK, a String is encrypted as it is and anything else as its JSON
   * text, and the ciphertext travels as a JSON string.
   *
   * @throws IllegalArgumentException when Gson cannot write the message
   */
  JsonElement encode(@Nullable Object message) {
    try {
      if (encryptionKey == null) {
        return message == null ? JsonNull.INSTANCE : Json.GSON.toJsonTree(message);
      }
      String plaintext = message instanceof String text ? text : Json.GSON.toJson(message);
      return new JsonPrimitive(CryptoJsAes.encrypt(plaintext, encryptionKey));
    } catch (JsonIOException e) {
      throw new IllegalArgumentException("message of " + message.getClass().getName()
          + " cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The message a handler sees for an event, decrypted when a key is set.
   *
   * @throws DecryptionException when the data is not a ciphertext this key opens
   */
  Message decode(String channel, String event, JsonElement data) {
    if (encryptionKey == null) {
      return Message.plain(channel, event, data);
    }
    if (!data.isJsonPrimitive() || !data.getAsJsonPrimitive().isString()) {
      throw new DecryptionException(channel, event,
          "data is not an encrypted string; the sender may not use an encryption key", null);
    }
    String plaintext;
    try {
      plaintext = CryptoJsAes.decrypt(data.getAsString(), encryptionKey);
    } catch (GeneralSecurityException e) {
      throw new DecryptionException(channel, event,
          e.getMessage() + "; the sender may use another encryption key", e);
    }
    JsonElement parsed = Json.parseStrictOrNull(plaintext);
    return Message.decrypted(channel, event,
        parsed != null ? parsed : new JsonPrimitive(plaintext), plaintext);
  }
}
