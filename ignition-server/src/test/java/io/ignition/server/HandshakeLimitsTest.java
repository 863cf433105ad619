package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ignition.core.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upgrade requests that never end are cut off without harming anyone else. */
class HandshakeLimitsTest {
  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.PRO, "k-acme")
        .handshakeTimeout(Duration.ofSeconds(1))
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void upgrade_neverSent_isDroppedAfterTheHandshakeTimeout() throws Exception {
    try (Socket idle = new Socket("127.0.0.1", server.port())) {
      idle.setSoTimeout(30_000);

      int read = idle.getInputStream().read();

      assertThat(read).as("end of stream, no upgrade").isEqualTo(-1);
    }
    assertThat(refusals("handshake_timeout")).isEqualTo(1);
  }

  @Test
  void upgrade_endlessHeaders_isClosedWithoutUpgradeAndOthersConnect() throws Exception {
    server.close();
    server = IgnitionServer.builder().host("127.0.0.1").port(0).httpPort(-1)
        .app("acme", Plan.PRO, "k-acme").handshakeTimeout(Duration.ofMinutes(5)).build();
    server.start();
    try (Socket attacker = new Socket("127.0.0.1", server.port())) {
      attacker.setSoTimeout(10_000);
      OutputStream out = attacker.getOutputStream();
      String head = "GET /v1?key=k-acme HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));

      String answer = sendHeadersUntilClosed(out, attacker.getInputStream());

      assertThat(answer).doesNotContain("101");
    }
    try (WsClient client = WsClient.welcomed(server, "k-acme")) {
      assertThat(client.request("{\"op\":\"ping\",\"id\":1}", 1).get("op").getAsString())
          .isEqualTo("ok");
    }
  }

  /**
   * Small headers: 150 of them fit well under the 16 KiB size limit, so the line limit (100) must
   * refuse them; 5,000 pass both limits.
   */
  @ParameterizedTest(name = "{0} headers")
  @ValueSource(ints = {150, 5_000})
  void upgrade_manySmallHeaders_isClosedWithoutUpgradeAndOthersConnect(int headers)
      throws Exception {
    StringBuilder request = new StringBuilder("GET /v1?key=k-acme HTTP/1.1\r\nHost: x\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    for (int i = 0; i < headers; i++) {
      request.append("X-").append(i).append(": a\r\n");
    }
    request.append("\r\n");

    try (Socket attacker = new Socket("127.0.0.1", server.port())) {
      attacker.setSoTimeout(10_000);
      String answer = sendUntilClosed(attacker, request.toString());

      assertThat(answer).doesNotContain("101");
    }
    assertThat(refusals("handshake_too_large")).isEqualTo(1);
    try (WsClient client = WsClient.welcomed(server, "k-acme")) {
      assertThat(client.request("{\"op\":\"ping\",\"id\":1}", 1).get("op").getAsString())
          .isEqualTo("ok");
    }
  }

  @Test
  void upgrade_usualHeaderCount_isUpgraded() throws Exception {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/v1?key=k-acme");
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      headers.put("X-Forwarded-" + i, "proxy-" + i);
    }

    try (WsClient client = WsClient.open(uri, headers)) {
      assertThat(client.next().get("op").getAsString()).isEqualTo("welcome");
    }
  }

  private double refusals(String reason) {
    return server.meterRegistry().get("ignition.connections.rejected").tag("reason", reason)
        .counter().count();
  }

  /** Writes the request, then reads whatever the server answers until it ends the connection. */
  private static String sendUntilClosed(Socket socket, String request) throws IOException {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (SocketException e) {
      // The server closed the connection while the request was still going out.
    }
    try {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (SocketException e) {
      return "";
    }
  }

  /** Writes 1 KiB header lines until the server stops the connection; returns what it sent. */
  private static String sendHeadersUntilClosed(OutputStream out, InputStream in)
      throws IOException {
    byte[] line = ("X-Pad: " + "a".repeat(1_000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    try {
      for (int i = 0; i < 10_000; i++) {
        out.write(line);
        out.flush();
      }
    } catch (SocketException e) {
      // The server closed the connection: what we wanted.
    }
    byte[] received = in.readNBytes(4096);
    return new String(received, StandardCharsets.US_ASCII);
  }
}
