package io.ignition.client;

import io.ignition.bench.jmh.BenchData;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java client's crypto-js-compatible encryption of a 100-byte message, both ways, for
 * information (no target). Lives in the client's package (in the bench module) because the cipher
 * is package-private: measuring it directly keeps the SDK's API unchanged and leaves JSON and
 * socket work out of the figure. Each encryption draws a fresh salt and derives its key, as the SDK
 * does for every message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CryptoJsAesBenchmark {
  private static final String PASSPHRASE = "correct horse battery staple";

  private final String message = BenchData.DATA;
  private String ciphertext;

  /** Encrypts the message once for the decryption benchmark. */
  @Setup
  public void setUp() {
    ciphertext = CryptoJsAes.encrypt(message, PASSPHRASE);
  }

  /** Encrypts the message with a fresh salt. */
  @Benchmark
  public String encrypt() {
    return CryptoJsAes.encrypt(message, PASSPHRASE);
  }

  /** Decrypts a ciphertext of the message. */
  @Benchmark
  public String decrypt() throws GeneralSecurityException {
    return CryptoJsAes.decrypt(ciphertext, PASSPHRASE);
  }
}
