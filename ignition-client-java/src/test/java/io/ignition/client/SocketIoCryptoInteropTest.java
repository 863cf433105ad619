package io.ignition.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ignition.core.Plan;
import io.ignition.server.IgnitionServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * End-to-end encryption across SDKs on one channel: a JavaScript client as Ignition's apps run
 * it (socket.io-client 4.8 on the Socket.IO endpoint, crypto-js) and the Java SDK (native
 * protocol) read each other's encrypted messages. The JavaScript side is the crypto-java scenario
 * of interop-js/socketio-interop.mjs. Skipped when node or the npm packages are missing.
 */
class SocketIoCryptoInteropTest {
  private static final Path DIR = Path.of(System.getProperty("ignition.cryptojsDir",
      "../interop-js"));
  private static final String KEY = "k-acme";
  private static final String PASSPHRASE = "RADHA";

  @Test
  void encryptedMessages_socketIoClientAndJavaSdk_decryptEachOthers() throws Exception {
    assumeTrue(ExternalTools.available(List.of("node", "-e",
        "require.resolve('socket.io-client');require.resolve('crypto-js')"), DIR),
        "node or the npm packages socket.io-client and crypto-js not found from "
            + DIR.toAbsolutePath() + "; run 'npm ci --prefix interop-js'");
    try (IgnitionServer server = IgnitionServer.builder().host("127.0.0.1").port(0).httpPort(-1)
        .app("acme", Plan.PRO, KEY).build()) {
      server.start();
      try (Ignition java = Ignition.connect(IgnitionOptions.builder()
          .url("ws://127.0.0.1:" + server.port()).apiKey(KEY).encryptionKey(PASSPHRASE)
          .requestTimeout(Duration.ofSeconds(5)).build())) {
        exchange(java, server.port());
      }
    }
  }

  private static void exchange(Ignition java, int port) throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    java.on("secret", received::add);
    java.subscribe("vault").get(5, SECONDS);
    Process node = startNode(port);
    try {
      BlockingQueue<String> lines = lines(node);

      Message fromJavaScript = received.poll(20, SECONDS);
      assertThat(nextLine(lines)).isEqualTo("READY");
      java.emit("secret", "vault", "from java").get(5, SECONDS);

      assertThat(fromJavaScript).as("the JavaScript client's message").isNotNull();
      assertThat(fromJavaScript.asString()).isEqualTo("from javascript");
      assertThat(nextLine(lines)).isEqualTo("DECRYPTED from java");
      assertThat(nextLine(lines)).isEqualTo("PASS crypto-java");
      assertThat(node.waitFor(20, SECONDS)).isTrue();
      assertThat(node.exitValue()).isZero();
    } finally {
      node.destroyForcibly();
    }
  }

  private static Process startNode(int port) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("node", "socketio-interop.mjs", "crypto-java")
        .directory(DIR.toFile())
        .redirectErrorStream(true);
    builder.environment().put("IGNITION_PORT", Integer.toString(port));
    builder.environment().put("IGNITION_KEY", KEY);
    builder.environment().put("IGNITION_SECRET", PASSPHRASE);
    return builder.start();
  }

  /** Collects the process's output lines as they come, on a daemon thread. */
  private static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("<output unreadable: " + e + ">");
      }
    }, "node-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String nextLine(BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(20, SECONDS);
    if (line == null) {
      throw new AssertionError("node printed nothing within 20 s");
    }
    return line;
  }
}
