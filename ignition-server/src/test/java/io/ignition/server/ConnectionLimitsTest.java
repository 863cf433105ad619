package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ignition.core.Plan;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections per node and per source address: over a bound, the upgrade is refused with a status
 * and a JSON reason, the refusal is counted, and nobody else is affected. Clients come from
 * several loopback addresses (127.0.0.1 to 127.0.0.3), all of which reach a server on 127.0.0.1.
 */
class ConnectionLimitsTest {
  private static final String TARGET = "/v1?key=k-acme";

  private IgnitionServer server;
  private final List<RawWsClient> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .app("acme", Plan.ENTERPRISE, "k-acme")
        .maxConnections(3)
        .maxConnectionsPerAddress(2)
        .build();
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (RawWsClient client : open) {
      client.close();
    }
    server.close();
  }

  @Test
  void connect_overThePerAddressLimit_isAnswered429WhileOtherAddressesConnect() throws Exception {
    welcomed("127.0.0.1");
    welcomed("127.0.0.1");

    try (RawWsClient third = RawWsClient.open(server.port(), TARGET, address("127.0.0.1"), 0)) {
      assertThat(third.upgraded()).isFalse();
      assertThat(third.upgradeResponse()).startsWith("HTTP/1.1 429 Too Many Requests")
          .contains("\"code\":\"address_limit\"", "too many connections from your address");
    }
    welcomed("127.0.0.2");

    assertThat(refusals("address_limit")).isEqualTo(1);
  }

  @Test
  void connect_overTheNodeLimit_isAnswered503UntilAConnectionCloses() throws Exception {
    RawWsClient first = welcomed("127.0.0.1");
    welcomed("127.0.0.2");
    welcomed("127.0.0.3");

    try (RawWsClient fourth = RawWsClient.open(server.port(), TARGET, address("127.0.0.3"), 0)) {
      assertThat(fourth.upgraded()).isFalse();
      assertThat(fourth.upgradeResponse()).startsWith("HTTP/1.1 503 Service Unavailable")
          .contains("Retry-After: 5", "\"code\":\"node_limit\"");
    }
    first.close();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(gauge("ignition.transport.connections")).isEqualTo(2));
    welcomed("127.0.0.3");
    assertThat(refusals("node_limit")).isEqualTo(1);
  }

  @Test
  void refusedConnections_doNotTakeAPlace() throws Exception {
    welcomed("127.0.0.1");
    welcomed("127.0.0.1");
    for (int i = 0; i < 20; i++) {
      try (RawWsClient refused = RawWsClient.open(server.port(), TARGET, address("127.0.0.1"),
          0)) {
        assertThat(refused.upgraded()).isFalse();
      }
    }

    welcomed("127.0.0.2");

    assertThat(refusals("address_limit")).isEqualTo(20);
  }

  private RawWsClient welcomed(String from) throws Exception {
    RawWsClient client = RawWsClient.open(server.port(), TARGET, address(from), 0);
    open.add(client);
    assertThat(client.upgraded()).as(client.upgradeResponse()).isTrue();
    assertThat(client.nextText()).startsWith("{\"op\":\"welcome\"");
    return client;
  }

  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private double refusals(String reason) {
    return server.meterRegistry().get("ignition.connections.rejected").tag("reason", reason)
        .counter().count();
  }

  private double gauge(String name) {
    return server.meterRegistry().get(name).gauge().value();
  }
}
