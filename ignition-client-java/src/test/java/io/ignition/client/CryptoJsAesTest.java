package io.ignition.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compatibility of {@link CryptoJsAes} with crypto-js and OpenSSL. The module's fixtures were
 * made by crypto-js 4.2.0 itself; the shared vectors live outside the repository, in CI.
 */
class CryptoJsAesTest {

  /** One ciphertext made by crypto-js. */
  record Vector(String passphrase, String plaintext, String ciphertext) {
    @Override
    public String toString() {
      return passphrase + " / " + (plaintext.length() > 30 ? plaintext.substring(0, 30) + "..."
          : plaintext);
    }
  }

  /** The shared folder lies beside the repository; tests run in the module's directory. */
  private static final Path SHARED_VECTORS = Path.of(System.getProperty("ignition.sharedVectors",
      "../../shared/vectors/cryptojs-aes.json")).toAbsolutePath().normalize();

  static List<Vector> moduleFixtures() throws IOException {
    try (InputStream in = CryptoJsAesTest.class.getResourceAsStream("/cryptojs-fixtures.json")) {
      assertThat(in).as("src/test/resources/cryptojs-fixtures.json").isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return vectors(JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("vectors"));
    }
  }

  @ParameterizedTest
  @MethodSource("moduleFixtures")
  void decrypt_cryptoJsFixture_returnsItsPlaintext(Vector vector) throws Exception {
    assertThat(CryptoJsAes.decrypt(vector.ciphertext(), vector.passphrase()))
        .isEqualTo(vector.plaintext());
  }

  @ParameterizedTest
  @MethodSource("moduleFixtures")
  void encrypt_withTheFixturesSalt_reproducesCryptoJsByteForByte(Vector vector) {
    byte[] raw = Base64.getDecoder().decode(vector.ciphertext());
    byte[] salt = Arrays.copyOfRange(raw, 8, 16);

    assertThat(CryptoJsAes.encrypt(vector.plaintext(), vector.passphrase(), salt))
        .isEqualTo(vector.ciphertext());
  }

  @Test
  void decrypt_sharedCryptoJsVectors_allReturnTheirPlaintext() throws Exception {
    assumeTrue(Files.isRegularFile(SHARED_VECTORS), "shared crypto-js vectors not found at "
        + SHARED_VECTORS + " (present in CI, not in a clone); the module's own fixtures in"
        + " src/test/resources/cryptojs-fixtures.json were checked instead");
    List<Vector> vectors = vectors(JsonParser.parseString(
        Files.readString(SHARED_VECTORS)).getAsJsonArray());

    assertThat(vectors).isNotEmpty().allSatisfy(vector -> assertThat(
        CryptoJsAes.decrypt(vector.ciphertext(), vector.passphrase()))
        .as(vector.toString()).isEqualTo(vector.plaintext()));
  }

  @Test
  void deriveKeyAndIv_knownSalt_matchesOpensslEvpBytesToKey() throws Exception {
    // From: openssl enc -aes-256-cbc -md md5 -P -S 0102030405060708 -pass pass:RADHA
    byte[] keyAndIv = CryptoJsAes.deriveKeyAndIv("RADHA".getBytes(StandardCharsets.UTF_8),
        HexFormat.of().parseHex("0102030405060708"));

    assertThat(HexFormat.of().withUpperCase().formatHex(keyAndIv)).isEqualTo(
        "9A3C6E73FB225653E119F8BA7A3FE0748553FFACFCF19B20F17E650EB1EB2526"
            + "E37DA09122F9F7A1620423F7C05D5882");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "exactly16bytes!!", "hello world", "naïve — 日本語 🚀",
      "{\"Name\":\"Axn\",\"Age\":21}"})
  void encrypt_thenDecrypt_returnsThePlaintext(String plaintext) throws Exception {
    String ciphertext = CryptoJsAes.encrypt(plaintext, "RADHA");

    assertThat(ciphertext).startsWith("U2FsdGVkX1");
    assertThat(CryptoJsAes.decrypt(ciphertext, "RADHA")).isEqualTo(plaintext);
  }

  @Test
  void encrypt_sameInputTwice_usesAFreshSaltEachTime() {
    assertThat(CryptoJsAes.encrypt("hello", "RADHA"))
        .isNotEqualTo(CryptoJsAes.encrypt("hello", "RADHA"));
  }

  @Test
  void decrypt_wrongKey_throws() throws Exception {
    Vector vector = moduleFixtures().get(0);

    assertThatThrownBy(() -> CryptoJsAes.decrypt(vector.ciphertext(), "wrong"))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void decrypt_malformedInput_throwsSayingWhatIsWrong() {
    String unsalted = Base64.getEncoder().encodeToString(new byte[32]);
    byte[] whole = Base64.getDecoder().decode(CryptoJsAes.encrypt("two AES blocks of text", "k"));
    String ragged = Base64.getEncoder().encodeToString(Arrays.copyOf(whole, whole.length - 1));

    assertThatThrownBy(() -> CryptoJsAes.decrypt("not base64!", "k"))
        .hasMessage("ciphertext is not valid base64");
    assertThatThrownBy(() -> CryptoJsAes.decrypt(unsalted, "k"))
        .hasMessage("ciphertext lacks the \"Salted__\" header and salt");
    assertThatThrownBy(() -> CryptoJsAes.decrypt(ragged, "k"))
        .hasMessage("ciphertext is not a whole number of AES blocks");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RADHA", "pässwörd ✓"})
  void encrypt_inJava_decryptsWithOpenssl(String passphrase) throws Exception {
    Path dir = Files.createTempDirectory("openssl");
    assumeTrue(ExternalTools.available(List.of("openssl", "version"), dir),
        "openssl not on PATH; skipping the OpenSSL interoperability check");
    Path pass = Files.writeString(dir.resolve("pass"), passphrase, StandardCharsets.UTF_8);
    List<String> plaintexts = List.of("", "hello world", "naïve — 日本語 🚀", "x".repeat(1000));

    for (String plaintext : plaintexts) {
      String ciphertext = CryptoJsAes.encrypt(plaintext, passphrase);
      ExternalTools.Result result = ExternalTools.run(List.of("openssl", "enc", "-aes-256-cbc",
          "-d", "-md", "md5", "-a", "-A", "-pass", "file:" + pass), ciphertext, dir);

      assertThat(result.exitCode()).as("openssl exit code").isZero();
      assertThat(result.stdout()).isEqualTo(plaintext);
    }
  }

  @Test
  void decrypt_opensslCiphertext_returnsThePlaintext() throws Exception {
    Path dir = Files.createTempDirectory("openssl");
    assumeTrue(ExternalTools.available(List.of("openssl", "version"), dir),
        "openssl not on PATH; skipping the OpenSSL interoperability check");
    Path pass = Files.writeString(dir.resolve("pass"), "RADHA", StandardCharsets.UTF_8);

    ExternalTools.Result result = ExternalTools.run(List.of("openssl", "enc", "-aes-256-cbc",
        "-md", "md5", "-a", "-A", "-pass", "file:" + pass), "from openssl ✓", dir);

    assertThat(result.exitCode()).isZero();
    assertThat(CryptoJsAes.decrypt(result.stdout().trim(), "RADHA")).isEqualTo("from openssl ✓");
  }

  @Test
  void encrypt_inJava_decryptsWithCryptoJsInNode() throws Exception {
    Path dir = Path.of(System.getProperty("ignition.cryptojsDir", "../interop-js"));
    assumeTrue(ExternalTools.available(List.of("node", "-e", "require('crypto-js')"), dir),
        "node or the crypto-js package not found from " + dir.toAbsolutePath() + "; run"
            + " 'npm ci' in interop-js/ (the README's test command does)");
    List<String> plaintexts = List.of("", "hello world", "{\"Name\":\"Axn\",\"Age\":21}",
        "naïve — 日本語 🚀", "multi-block ".repeat(20));
    JsonArray input = new JsonArray();
    plaintexts.forEach(p -> input.add(CryptoJsAes.encrypt(p, "RADHA")));

    ExternalTools.Result result = ExternalTools.run(List.of("node", "-e", "const C=require("
        + "'crypto-js');let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log("
        + "JSON.stringify(JSON.parse(s).map(c=>C.AES.decrypt(c,'RADHA').toString(C.enc.Utf8)))))"),
        input.toString(), dir);

    assertThat(result.exitCode()).isZero();
    List<String> decrypted = new ArrayList<>();
    JsonParser.parseString(result.stdout()).getAsJsonArray()
        .forEach(e -> decrypted.add(e.getAsString()));
    assertThat(decrypted).isEqualTo(plaintexts);
  }

  private static List<Vector> vectors(JsonArray array) {
    List<Vector> vectors = new ArrayList<>();
    for (JsonElement element : array) {
      JsonObject entry = element.getAsJsonObject();
      vectors.add(new Vector(entry.get("passphrase").getAsString(),
          entry.get("plaintext").getAsString(), entry.get("ciphertext").getAsString()));
    }
    return vectors;
  }
}
