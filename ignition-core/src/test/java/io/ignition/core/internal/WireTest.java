package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireTest {
  @Test
  void event_plainNames_writesTheExactFrame() {
    Event event = new Event("acme", "news", "update", "{\"a\":1}", null);

    assertThat(Wire.event(event)).isEqualTo(
        "{\"op\":\"event\",\"channel\":\"news\",\"event\":\"update\",\"data\":{\"a\":1}}");
  }

  @Test
  void event_quoteAndBackslashInNames_escapesThemIntoValidJson() {
    Event event = new Event("acme", "a\"b\\c", "x\\y\"z", "null", null);

    String text = Wire.event(event);

    assertThat(text).isEqualTo("{\"op\":\"event\",\"channel\":\"a\\\"b\\\\c\","
        + "\"event\":\"x\\\\y\\\"z\",\"data\":null}");
    JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
    assertThat(parsed.get("channel").getAsString()).isEqualTo("a\"b\\c");
    assertThat(parsed.get("event").getAsString()).isEqualTo("x\\y\"z");
    assertThat(parsed.get("data").isJsonNull()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.50", "-0.0e+5", "[ 1 , {\"k\" : \"v\"} ]", "\"\\u00e9\\\"\"",
      "true", "{\"big\":123456789012345678901234567890}", "\"\uD83D\uDE80\""})
  void event_anyData_insertsItVerbatim(String data) {
    Event event = new Event("acme", "news", "update", data, null);

    String text = Wire.event(event);

    assertThat(text).endsWith(",\"data\":" + data + "}");
    assertThat(JsonParser.parseString(text).getAsJsonObject().get("data"))
        .isEqualTo(JsonParser.parseString(data));
  }

  @Test
  void event_nonAsciiNames_keepsThemUnescaped() {
    Event event = new Event("acme", "nouvelles-é", "mise\u00a0à-jour-\uD83D\uDE80", "0", null);

    String text = Wire.event(event);

    assertThat(text).contains("\"nouvelles-é\"", "\"mise\u00a0à-jour-\uD83D\uDE80\"");
    JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
    assertThat(parsed.get("event").getAsString()).isEqualTo("mise\u00a0à-jour-\uD83D\uDE80");
  }

  @Test
  void eventText_throughEncoded_isBuiltOncePerEvent() {
    Event event = new Event("acme", "news", "update", "1", null);

    String first = event.encoded(Wire.EVENT_TEXT);

    assertThat(event.encoded(Wire.EVENT_TEXT)).isSameAs(first).isEqualTo(Wire.event(event));
  }

  @Test
  void error_withoutId_omitsIdAndEscapesTheMessage() {
    String text = Wire.error(0, "bad_request", "unexpected \"\\\" and \u0001 at offset 3");

    JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
    assertThat(parsed.has("id")).isFalse();
    assertThat(parsed.get("op").getAsString()).isEqualTo("error");
    assertThat(parsed.get("code").getAsString()).isEqualTo("bad_request");
    assertThat(parsed.get("message").getAsString())
        .isEqualTo("unexpected \"\\\" and \u0001 at offset 3");
  }

  @Test
  void okAndError_withId_carryTheId() {
    assertThat(Wire.ok(9007199254740991L)).isEqualTo("{\"op\":\"ok\",\"id\":9007199254740991}");
    assertThat(Wire.error(3, "invalid_event", "m"))
        .isEqualTo("{\"op\":\"error\",\"id\":3,\"code\":\"invalid_event\",\"message\":\"m\"}");
  }
}
