package io.ignition.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Turning messages into frame data and received data into {@link Message}s. */
class PayloadCodecTest {

  private final PayloadCodec plain = new PayloadCodec(null);
  private final PayloadCodec encrypted = new PayloadCodec("RADHA");

  record Person(String name, int age) {}

  @Test
  void encode_withoutKey_writesTheMessageAsJson() {
    assertThat(plain.encode("hello world")).isEqualTo(new JsonPrimitive("hello world"));
    assertThat(plain.encode(56)).isEqualTo(new JsonPrimitive(56));
    assertThat(plain.encode(false)).isEqualTo(new JsonPrimitive(false));
    assertThat(plain.encode(null)).isEqualTo(JsonNull.INSTANCE);
    assertThat(plain.encode(new Person("Axn", 21)))
        .isEqualTo(JsonParser.parseString("{\"name\":\"Axn\",\"age\":21}"));
    assertThat(plain.encode(JsonParser.parseString("[1,\"<b>\"]")).toString())
        .isEqualTo("[1,\"<b>\"]");
  }

  @Test
  void encode_withKey_encryptsStringsAsIsAndOtherValuesAsJsonText() throws Exception {
    String text = encrypted.encode("hello <world>").getAsString();
    String number = encrypted.encode(56).getAsString();
    String record = encrypted.encode(new Person("Axn", 21)).getAsString();
    String nothing = encrypted.encode(null).getAsString();

    assertThat(CryptoJsAes.decrypt(text, "RADHA")).isEqualTo("hello <world>");
    assertThat(CryptoJsAes.decrypt(number, "RADHA")).isEqualTo("56");
    assertThat(CryptoJsAes.decrypt(record, "RADHA")).isEqualTo("{\"name\":\"Axn\",\"age\":21}");
    assertThat(CryptoJsAes.decrypt(nothing, "RADHA")).isEqualTo("null");
  }

  @Test
  void encode_unwritableMessage_throwsIllegalArgument() {
    assertThatThrownBy(() -> plain.encode(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plain.encode(Thread.currentThread()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("message of java.lang.Thread cannot be written as JSON");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "hello world|\"hello world\"",
      "56|56",
      "{\"Name\":\"Axn\",\"Age\":21}|{\"Name\":\"Axn\",\"Age\":21}",
      "true|true",
      "[1,]|\"[1,]\"",
      "{unquoted: 1}|\"{unquoted: 1}\"",
      "1 2|\"1 2\""})
  void decode_withKey_parsesPlaintextAsJsonOnlyWhenItIsStrictJson(String plaintext,
      String expectedData) {
    Message message = encrypted.decode("c", "e",
        new JsonPrimitive(CryptoJsAes.encrypt(plaintext, "RADHA")));

    assertThat(message.asString()).isEqualTo(plaintext);
    assertThat(message.data()).isEqualTo(JsonParser.parseString(expectedData));
  }

  @Test
  void decode_withKey_emptyPlaintextIsAnEmptyString() {
    Message message = encrypted.decode("c", "e",
        new JsonPrimitive(CryptoJsAes.encrypt("", "RADHA")));

    assertThat(message.asString()).isEmpty();
    assertThat(message.data()).isEqualTo(new JsonPrimitive(""));
  }

  @Test
  void decode_withKeyButPlainData_throwsDecryptionExceptionWithChannelAndEvent() {
    assertThatThrownBy(() -> encrypted.decode("news", "update", JsonParser.parseString("{}")))
        .isInstanceOfSatisfying(DecryptionException.class, e -> {
          assertThat(e.channel()).isEqualTo("news");
          assertThat(e.event()).isEqualTo("update");
        })
        .hasMessageContaining("data is not an encrypted string");
  }

  @Test
  void message_as_readsRecordsAndGenericTypes() {
    Message person = plain.decode("c", "e",
        JsonParser.parseString("{\"name\":\"Axn\",\"age\":21}"));
    Message list = plain.decode("c", "e", JsonParser.parseString("[\"a\",\"b\"]"));
    Message nothing = plain.decode("c", "e", JsonNull.INSTANCE);

    assertThat(person.as(Person.class)).isEqualTo(new Person("Axn", 21));
    assertThat(list.as(new TypeToken<List<String>>() { })).containsExactly("a", "b");
    assertThat(nothing.as(String.class)).isNull();
    assertThat(nothing.asString()).isEqualTo("null");
  }
}
