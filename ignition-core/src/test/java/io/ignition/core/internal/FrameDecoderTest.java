package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {
  private static final String EMIT =
      "{\"op\":\"emit\",\"id\":3,\"channel\":\"news\",\"event\":\"update\","
          + "\"data\":{\"a\":[1,2.5e3,\"x\"]}}";

  /** Writes JSON with single quotes for readability; every ' becomes ". */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static Frame decode(String text) throws ProtocolException {
    return FrameDecoder.decode(text);
  }

  private static void assertRejected(String text, String messagePart) {
    assertThatThrownBy(() -> FrameDecoder.decode(text))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(messagePart)
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo("bad_request");
  }

  @Test
  void decode_emitFrame_returnsEveryField() throws ProtocolException {
    Frame frame = decode(EMIT);

    assertThat(frame.op()).isEqualTo("emit");
    assertThat(frame.id()).isEqualTo(3);
    assertThat(frame.channel()).isEqualTo("news");
    assertThat(frame.event()).isEqualTo("update");
    assertThat(frame.hasData()).isTrue();
    assertThat(frame.data()).isEqualTo("{\"a\":[1,2.5e3,\"x\"]}");
    assertThat(frame.text()).isSameAs(EMIT);
  }

  @Test
  void decode_onlyOp_hasNoIdChannelEventOrData() throws ProtocolException {
    Frame frame = decode(json("{'op':'ping'}"));

    assertThat(frame.op()).isEqualTo("ping");
    assertThat(frame.id()).isZero();
    assertThat(frame.channel()).isNull();
    assertThat(frame.event()).isNull();
    assertThat(frame.hasData()).isFalse();
    assertThat(frame.dataStart()).isEqualTo(-1);
    assertThat(frame.dataEnd()).isEqualTo(-1);
    assertThat(frame.data()).isEqualTo("null");
  }

  @Test
  void decode_explicitNullData_hasDataNull() throws ProtocolException {
    Frame frame = decode(json("{'op':'emit','data':null}"));

    assertThat(frame.hasData()).isTrue();
    assertThat(frame.data()).isEqualTo("null");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "1.50", "-0.0e+5", "\"x\\u0041\"", "{ \"a\" : [1, 2] }", "null", "true", "false", "[]",
      "{}", "\"\"", "\"\uD83D\uDE80 \\uD83D\\uDE80\"", "[ { } , [ [ ] ] , \"\\\"]\" ]"})
  void decode_dataValue_keepsItByteForByte(String data) throws ProtocolException {
    String text = "{\"op\":\"emit\",\"data\":" + data + "}";

    Frame frame = decode(text);

    assertThat(frame.data()).isEqualTo(data);
    assertThat(text.substring(frame.dataStart(), frame.dataEnd())).isEqualTo(data);
  }

  @Test
  void decode_whitespaceAroundData_sliceExcludesWhitespace() throws ProtocolException {
    Frame frame = decode("{\"data\" : \n\t { \"a\" : [1, 2] } \r\n, \"op\":\"emit\"}");

    assertThat(frame.data()).isEqualTo("{ \"a\" : [1, 2] }");
    assertThat(frame.dataStart()).isEqualTo(13);
  }

  @Test
  void decode_escapesInStrings_resolvesThem() throws ProtocolException {
    Frame frame = decode("{\"op\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\u00C9\"}");

    assertThat(frame.op()).isEqualTo("a\"b\\c/d\be\ff\ng\rh\ti\u00e9\u00c9");
  }

  @Test
  void decode_surrogatePairEscape_decodesOneCodePoint() throws ProtocolException {
    Frame frame = decode(json("{'op':'x','channel':'\\uD83D\\uDE80','event':'\\ud83d\\ude80!'}"));

    assertThat(frame.channel()).isEqualTo("\uD83D\uDE80").hasSize(2);
    assertThat(frame.event()).isEqualTo("\uD83D\uDE80!");
  }

  @Test
  void decode_rawNonAsciiStrings_keepsThem() throws ProtocolException {
    Frame frame = decode(json("{'op':'\u00e9','channel':'\u4e2d\u6587','event':'\uD83D\uDE80'}"));

    assertThat(frame.op()).isEqualTo("\u00e9");
    assertThat(frame.channel()).isEqualTo("\u4e2d\u6587");
    assertThat(frame.event()).isEqualTo("\uD83D\uDE80");
  }

  @Test
  void decode_escapedFieldName_isRecognized() throws ProtocolException {
    Frame frame = decode(json("{'\\u006fp':'x','\\u0064ata':7}"));

    assertThat(frame.op()).isEqualTo("x");
    assertThat(frame.data()).isEqualTo("7");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\\uD83D", "\\uDE80", "\\uD83Dx", "\\uD83D\\u0041", "\\uDE80\\uD83D", "\\uDE80\\uDE80",
      "\\uD83D\\uD83D",
      "\\uD83D\\n", "\uD83D", "\uDE80", "\uD83Dx", "\uDE80\uD83D", "\\uD83D\uDE80"})
  void decode_loneSurrogate_throws(String content) {
    assertRejected("{\"op\":\"" + content + "\"}", "lone surrogate");
    assertRejected("{\"op\":\"x\",\"data\":[\"" + content + "\"]}", "lone surrogate");
    assertRejected("{\"op\":\"x\",\"other\":{\"" + content + "\":1}}", "lone surrogate");
  }

  @Test
  void decode_loneSurrogate_namesCharAndOffset() {
    assertRejected(json("{'op':'ab\\uD800'}"), "lone surrogate U+D800 at offset 9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\x", "\\U0041", "\\'", "\\a", "\\0", "\\ ", "\\u12G4", "\\u-123",
      "\\u 123", "\\u\u0661\u0662\u0663\u0664", "\\u\uFF21BCD"})
  void decode_badEscape_throws(String escape) {
    assertRejected("{\"op\":\"" + escape + "\"}", "escape");
    assertRejected("{\"op\":\"x\",\"data\":\"" + escape + "\"}", "at offset 18");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\t", "\r", "\u0000", "\u001f"})
  void decode_rawControlCharInString_throws(String control) {
    assertRejected("{\"op\":\"a" + control + "\"}", "unescaped control character");
    assertRejected("{\"op\":\"x\",\"data\":\"" + control + "\"}", "in string at offset 18");
  }

  @Test
  void decode_deleteAndC1CharsInString_accepted() throws ProtocolException {
    Frame frame = decode(json("{'op':'\u007f\u0080\u009f'}"));

    assertThat(frame.op()).isEqualTo("\u007f\u0080\u009f");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0", "0.0", "1e5", "1E+5", "1e-5", "-1.25E-10", "10",
      "123456789012345678901234567890", "0e0", "-0.5"})
  void decode_validNumber_accepted(String number) throws ProtocolException {
    assertThat(decode("{\"op\":\"x\",\"data\":" + number + "}").data()).isEqualTo(number);
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "-01", "00", "1.", "-", "1e", "1e+", "1E-", "1.e3", "-.5",
      "--1", "-a"})
  void decode_invalidNumber_throwsWithOffset(String number) {
    String text = "{\"op\":\"x\",\"data\":" + number + "}";

    assertRejected(text, "number at offset 17");
  }

  @ParameterizedTest
  @ValueSource(strings = {".5", "+1", "0x1", "1_000", "NaN", "Infinity", "-Infinity", "1.5.5",
      "1e5e5", "0.5e", "1f"})
  void decode_numberLikeGarbage_throws(String value) {
    assertThatThrownBy(() -> decode("{\"op\":\"x\",\"data\":" + value + "}"))
        .isInstanceOf(ProtocolException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tru", "nul", "fals", "True", "NULL", "nil", "undefined"})
  void decode_invalidLiteral_throws(String literal) {
    assertRejected("{\"op\":\"x\",\"data\":" + literal + "}", "at offset 17");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nulll", "truex", "falsey", "null1"})
  void decode_literalWithTrailingChars_throws(String literal) {
    assertRejected("{\"op\":\"x\",\"data\":" + literal + "}", "unexpected character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"op\":\"a\"}x", "{\"op\":\"a\"}{}", "{\"op\":\"a\"},",
      "{\"op\":\"a\"}}", "{\"op\":\"a\"} 1", "{\"op\":\"a\"}\u0000"})
  void decode_trailingGarbage_throws(String text) {
    assertRejected(text, "unexpected character");
    assertRejected(text, "at offset ");
  }

  @Test
  void decode_trailingGarbage_namesOffset() {
    assertRejected("{\"op\":\"a\"} x", "unexpected character 'x' at offset 11");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"op\":\"a\",}", "{\"op\" \"a\"}", "{\"op\":\"a\" \"id\":1}", "{op:\"a\"}", "{'op':'a'}",
      "{\"op\":\"a\",\"data\":[1,]}", "{\"op\":\"a\",\"data\":[1}",
      "{\"op\":\"a\",\"data\":{\"a\":1]}", "{\"op\":\"a\",\"data\":{\"a\"}}",
      "{\"op\":\"a\",\"data\":{1:2}}", "{\"op\":\"a\",\"data\":[,1]}",
      "{\"op\":\"a\",\"data\":{\"a\":1,}}", "{\"op\":\"a\",\"data\":[1 2]}", "{,\"op\":\"a\"}",
      "{\"op\":\"a\"", "{\"op\":\"a", "{\"op\":", "{\"op\"", "{", "{\"op\":\"a\",\"data\":}",
      "{\"op\":\"a\";\"id\":1}", "{\"op\"=\"a\"}", "{\"op\":\"a\",\"data\":[1]]}"})
  void decode_malformedStructure_throws(String text) {
    assertRejected(text, "at offset ");
  }

  @Test
  void decode_truncatedFrame_reportsEndOfInput() {
    assertRejected("{\"op\":\"a\",\"data\":[1,", "unexpected end of input at offset 20");
    assertRejected("{\"op\":\"ab", "unterminated string starting at offset 6");
  }

  @Test
  void decode_everyProperPrefixOfValidFrame_throws() throws ProtocolException {
    for (int end = 0; end < EMIT.length(); end++) {
      String prefix = EMIT.substring(0, end);

      assertThatThrownBy(() -> decode(prefix))
          .as("prefix %s", prefix)
          .isInstanceOf(ProtocolException.class);
    }
    assertThat(decode(EMIT).op()).isEqualTo("emit");
  }

  @Test
  void decode_everyProperPrefixOfFrameWithEscapes_throws() throws ProtocolException {
    String text = "{\"op\":\"a\\u00e9\\uD83D\\uDE80\uD83D\uDE80\\n\",\"data\":[\"\uD83D\uDE80\"]}";

    for (int end = 0; end < text.length(); end++) {
      String prefix = text.substring(0, end);

      assertThatThrownBy(() -> decode(prefix))
          .as("prefix %s", prefix)
          .isInstanceOf(ProtocolException.class);
    }
    assertThat(decode(text).op()).isEqualTo("a\u00e9\uD83D\uDE80\uD83D\uDE80\n");
  }

  @Test
  void decode_whitespaceEverywhere_decodes() throws ProtocolException {
    String text = " \t\r\n{ \"op\" :\t\"emit\" ,\n\"id\"\r:\r42 , \"data\" : [ 1 , { } ] }\n\t ";

    Frame frame = decode(text);

    assertThat(frame.op()).isEqualTo("emit");
    assertThat(frame.id()).isEqualTo(42);
    assertThat(frame.data()).isEqualTo("[ 1 , { } ]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u00a0", "\f", "\u000b", "\uFEFF", "\u2028", "\u3000"})
  void decode_nonJsonWhitespace_throws(String space) {
    assertRejected(space + "{\"op\":\"a\"}", "unexpected character");
    assertRejected("{\"op\":" + space + "\"a\"}", "unexpected character");
    assertRejected("{\"op\":\"a\"}" + space, "unexpected character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"op\"", "1", "null", "true", " [{\"op\":\"a\"}] ", "-2.5e1",
      "[[[]]]"})
  void decode_nonObjectTopLevel_throws(String text) {
    assertRejected(text, "frame must be a JSON object");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,]", "\"abc", "nul", "[1] x", "01"})
  void decode_invalidNonObjectTopLevel_reportsSyntaxError(String text) {
    assertThatThrownBy(() -> decode(text))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("at offset");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t\r "})
  void decode_emptyOrBlank_throwsEndOfInput(String text) {
    assertRejected(text, "unexpected end of input at offset " + text.length());
  }

  @Test
  void decode_nesting64Levels_decodes() throws ProtocolException {
    // The top-level object is level 1, so data may open 63 more containers.
    String arrays = "[".repeat(63) + "]".repeat(63);
    String objects = "{\"a\":".repeat(62) + "[]" + "}".repeat(62);

    assertThat(decode("{\"op\":\"x\",\"data\":" + arrays + "}").data()).isEqualTo(arrays);
    assertThat(decode("{\"op\":\"x\",\"data\":" + objects + "}").data()).isEqualTo(objects);
  }

  @Test
  void decode_nesting65Levels_throws() {
    String arrays = "[".repeat(64) + "]".repeat(64);
    String objects = "{\"a\":".repeat(63) + "[]" + "}".repeat(63);

    assertRejected("{\"op\":\"x\",\"data\":" + arrays + "}", "JSON nested deeper than 64 levels");
    assertRejected("{\"op\":\"x\",\"z\":" + objects + "}", "JSON nested deeper than 64 levels");
  }

  @Test
  void decode_nonObjectNestedAtLimit_checksDepthBeforeType() {
    assertRejected("[".repeat(64) + "]".repeat(64), "frame must be a JSON object");
    assertRejected("[".repeat(65) + "]".repeat(65), "JSON nested deeper than 64 levels");
  }

  @Test
  void decode_100000DeepNesting_throwsWithoutStackOverflow() {
    String deep = "[".repeat(100_000);

    assertRejected(deep, "JSON nested deeper than 64 levels");
    assertRejected("{\"op\":\"x\",\"data\":" + deep, "JSON nested deeper than 64 levels");
    assertRejected("{\"a\":".repeat(100_000), "JSON nested deeper than 64 levels");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "9007199254740991", "42"})
  void decode_idInRange_isReturned(String id) throws ProtocolException {
    assertThat(decode("{\"op\":\"x\",\"id\":" + id + "}").id()).isEqualTo(Long.parseLong(id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0", "-1", "1.0", "1e3", "1E0", "9007199254740992",
      "10000000000000000", "99999999999999999999999", "18446744073709551617", "\"1\"", "null",
      "true", "[1]", "{}"})
  void decode_idOutOfRangeOrNotInteger_throws(String id) {
    assertRejected("{\"op\":\"x\",\"id\":" + id + "}", "id must be a positive integer");
  }

  @Test
  void decode_unknownFields_areValidatedAndSkipped() throws ProtocolException {
    String text = json("{'x':{'op':'inner','id':[1,{'data':2}]},'op':'a','y':null,'z':'\\n'}");

    Frame frame = decode(text);

    assertThat(frame.op()).isEqualTo("a");
    assertThat(frame.id()).isZero();
    assertThat(frame.hasData()).isFalse();
  }

  @Test
  void decode_unknownFieldRepeated_isAccepted() throws ProtocolException {
    assertThat(decode(json("{'x':1,'op':'a','x':2}")).op()).isEqualTo("a");
  }

  @Test
  void decode_fieldNamesAreCaseSensitive() throws ProtocolException {
    Frame frame = decode(json("{'op':'a','OP':'b','Id':'c','Data':1}"));

    assertThat(frame.op()).isEqualTo("a");
    assertThat(frame.hasData()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{'op':'a','op':'b'}|op", "{'op':'a','id':1,'id':1}|id",
      "{'op':'a','channel':'c','channel':'c'}|channel",
      "{'op':'a','event':'e','event':'e'}|event", "{'op':'a','data':1,'data':1}|data",
      "{'op':'a','\\u006fp':'b'}|op"})
  void decode_duplicateKnownField_throws(String caseText) {
    String[] parts = caseText.split("\\|");

    assertRejected(json(parts[0]), "duplicate field " + parts[1]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{'op':1}|op", "{'op':null}|op", "{'op':'a','channel':5}|channel",
      "{'op':'a','event':{}}|event", "{'op':'a','channel':[]}|channel",
      "{'op':'a','event':true}|event", "{'op':'a','channel':null}|channel"})
  void decode_nonStringForStringField_throws(String caseText) {
    String[] parts = caseText.split("\\|");

    assertRejected(json(parts[0]), "field " + parts[1] + " must be a string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{'id':1}", "{'channel':'c','event':'e','data':{}}", "{'Op':'a'}"})
  void decode_missingOp_throws(String text) {
    assertRejected(json(text), "missing field op");
  }

  @Test
  void decode_wrongTypeWithBadSyntax_reportsSyntaxFirst() {
    assertRejected(json("{'op':nul}"), "invalid literal at offset 6");
    assertRejected(json("{'op':"), "unexpected end of input at offset 6");
    assertRejected(json("{'op':'a','id':x}"), "unexpected character 'x' at offset 15");
  }

  @Test
  void decode_failureAfterIdWasRead_carriesId() {
    assertThatThrownBy(() -> decode(json("{'id':7,'op':5}")))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.id()).isEqualTo(7));
    assertThatThrownBy(() -> decode(json("{'id':7}")))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.id()).isEqualTo(7));
    assertThatThrownBy(() -> decode(json("{'id':7,'op':'a','data':[1,]}")))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.id()).isEqualTo(7));
  }

  @Test
  void decode_failureBeforeIdWasRead_carriesZero() {
    assertThatThrownBy(() -> decode(json("{'op':5,'id':7}")))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.id()).isZero());
    assertThatThrownBy(() -> decode(json("{'op':'a','id':0}")))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.id()).isZero());
  }

  @Test
  void decode_unknownOpAndOddNames_areLeftToCaller() throws ProtocolException {
    Frame frame = decode(json("{'op':'bogus','channel':'','event':'\\u0001'}"));

    assertThat(frame.op()).isEqualTo("bogus");
    assertThat(frame.channel()).isEmpty();
    assertThat(frame.event()).isEqualTo("\u0001");
  }

  @Test
  void decode_failure_recordsNoStackTrace() {
    assertThatThrownBy(() -> decode("x"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.getStackTrace()).isEmpty());
  }
}
