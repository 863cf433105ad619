package io.ignition.core.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

/** Small JSON helpers for frames the server writes. */
public final class Json {
  /** Gson as the server uses it: no HTML escaping, so text stays as the client wrote it. */
  public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Appends {@code value} as a JSON string literal. */
  public static StringBuilder quote(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        out.append(c);
      }
    }
    return out.append('"');
  }

  /** Returns {@code element} as compact JSON text. */
  public static String write(JsonElement element) {
    return GSON.toJson(element);
  }
}
