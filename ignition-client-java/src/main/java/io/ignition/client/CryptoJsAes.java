package io.ignition.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts text in the passphrase format of crypto-js's
 * {@code CryptoJS.AES.encrypt(text, passphrase).toString()}, which the JavaScript SDK uses.
 *
 * <p>The format is OpenSSL's salted one, in base64: the bytes {@code Salted__}, an 8-byte random
 * salt, then the UTF-8 plaintext under AES-256-CBC with PKCS#7 padding. The 32-byte key and 16-byte
 * IV come from the UTF-8 passphrase and the salt by EVP_BytesToKey with MD5 and one iteration:
 * {@code D1 = MD5(pass + salt)}, {@code Di = MD5(Di-1 + pass + salt)}, key and IV taken from
 * {@code D1 + D2 + D3}. It is kept for compatibility only: the key derivation is cheap to brute
 * force, and nothing authenticates the ciphertext, so CBC bit flips go undetected.
 *
 * <p>Thread-safe: stateless apart from a shared {@link SecureRandom}.
 */
final class CryptoJsAes {

  private static final byte[] MAGIC = "Salted__".getBytes(US_ASCII);
  private static final int SALT_BYTES = 8;
  private static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 16;
  private static final int BLOCK_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private CryptoJsAes() {}

  /** Encrypts {@code plaintext} under {@code passphrase} with a fresh random salt. */
  static String encrypt(String plaintext, String passphrase) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return encrypt(plaintext, passphrase, salt);
  }

  /** Encrypts with the given 8-byte salt; tests use it to compare with other implementations. */
  static String encrypt(String plaintext, String passphrase, byte[] salt) {
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("salt must be 8 bytes, was " + salt.length);
    }
    byte[] body = crypt(Cipher.ENCRYPT_MODE, passphrase, salt, plaintext.getBytes(UTF_8));
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + SALT_BYTES + body.length);
    out.put(MAGIC).put(salt).put(body);
    return Base64.getEncoder().encodeToString(out.array());
  }

  /**
   * Decrypts a base64 ciphertext made by crypto-js, OpenSSL or {@link #encrypt}.
   *
   * @throws GeneralSecurityException when the input is not base64, lacks the salted header, is
   *     not whole AES blocks, has bad padding, or does not decrypt to UTF-8: a wrong key or a
   *     corrupt ciphertext. Without an authentication tag a wrong key is caught only by these
   *     checks: the padding check alone lets about 1 in 256 wrong keys through, the UTF-8 check
   *     then rejects almost all of those, but not all.
   */
  static String decrypt(String ciphertext, String passphrase) throws GeneralSecurityException {
    byte[] raw = decodeBase64(ciphertext);
    if (raw.length < MAGIC.length + SALT_BYTES + BLOCK_BYTES
        || !Arrays.equals(raw, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new GeneralSecurityException("ciphertext lacks the \"Salted__\" header and salt");
    }
    int bodyStart = MAGIC.length + SALT_BYTES;
    if ((raw.length - bodyStart) % BLOCK_BYTES != 0) {
      throw new GeneralSecurityException("ciphertext is not a whole number of AES blocks");
    }
    byte[] salt = Arrays.copyOfRange(raw, MAGIC.length, bodyStart);
    byte[] body = Arrays.copyOfRange(raw, bodyStart, raw.length);
    return decodeUtf8(cryptChecked(Cipher.DECRYPT_MODE, passphrase, salt, body));
  }

  private static byte[] decodeBase64(String text) throws GeneralSecurityException {
    try {
      // openssl -a wraps lines; crypto-js does not. Accept both, reject anything else.
      return Base64.getDecoder().decode(text.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("ciphertext is not valid base64", e);
    }
  }

  private static String decodeUtf8(byte[] bytes) throws GeneralSecurityException {
    try {
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new GeneralSecurityException("plaintext is not UTF-8: wrong key or corrupt data", e);
    }
  }

  private static byte[] crypt(int mode, String passphrase, byte[] salt, byte[] input) {
    try {
      return cryptChecked(mode, passphrase, salt, input);
    } catch (GeneralSecurityException e) {
      // Encryption with AES-256-CBC, which every Java 17 runtime provides, cannot fail.
      throw new IllegalStateException("AES-256-CBC encryption failed", e);
    }
  }

  private static byte[] cryptChecked(int mode, String passphrase, byte[] salt, byte[] input)
      throws GeneralSecurityException {
    byte[] keyAndIv = deriveKeyAndIv(passphrase.getBytes(UTF_8), salt);
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(mode, new SecretKeySpec(keyAndIv, 0, KEY_BYTES, "AES"),
          new IvParameterSpec(keyAndIv, KEY_BYTES, IV_BYTES));
      return cipher.doFinal(input);
    } finally {
      Arrays.fill(keyAndIv, (byte) 0);
    }
  }

  /** OpenSSL's EVP_BytesToKey with MD5 and one iteration, producing key then IV. */
  static byte[] deriveKeyAndIv(byte[] password, byte[] salt) throws GeneralSecurityException {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    byte[] out = new byte[KEY_BYTES + IV_BYTES];
    byte[] block = new byte[0];
    for (int filled = 0; filled < out.length; filled += block.length) {
      md5.update(block);
      md5.update(password);
      md5.update(salt);
      block = md5.digest();
      System.arraycopy(block, 0, out, filled, Math.min(block.length, out.length - filled));
    }
    return out;
  }
}
