package io.ignition.server.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the server reads from a WebSocket upgrade request: the path, the API key and the query
 * parameters. Immutable.
 */
record HandshakeRequest(String path, String query, @Nullable String authorization) {
  private static final String BEARER = "bearer ";

  /** Splits a request target such as {@code /v1?key=abc&echo=true}. */
  static HandshakeRequest parse(String target, @Nullable String authorization) {
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? "" : target.substring(question + 1);
    return new HandshakeRequest(path, query, authorization);
  }

  /** Returns the API key from {@code Authorization: Bearer} or else the {@code key} parameter. */
  @Nullable String apiKey() {
    if (authorization != null
        && authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      String key = authorization.substring(BEARER.length()).trim();
      if (!key.isEmpty()) {
        return key;
      }
    }
    return parameter("key");
  }

  /**
   * Returns the first value of a query parameter, URL-decoded (as sent when it is not valid
   * percent-encoding), or null when absent.
   */
  @Nullable String parameter(String name) {
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String rawName = equals < 0 ? pair : pair.substring(0, equals);
      if (rawName.equals(name)) {
        String raw = equals < 0 ? "" : pair.substring(equals + 1);
        try {
          return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          // Not valid percent-encoding: keep it as sent, so a bad key is reported as unknown
          // rather than as missing.
          return raw;
        }
      }
    }
    return null;
  }

  boolean flag(String name) {
    return "true".equalsIgnoreCase(parameter(name));
  }
}
