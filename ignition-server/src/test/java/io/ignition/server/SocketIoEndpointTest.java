package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.Plan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO endpoint over real sockets with the JDK's clients, frame by frame; the
 * socket.io-client checks are in {@link SocketIoInteropTest}.
 */
class SocketIoEndpointTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private IgnitionServer server;

  @BeforeEach
  void start() throws Exception {
    server = IgnitionServer.builder()
        .host("127.0.0.1")
        .port(0)
        .httpPort(-1)
        .maxFrameBytes(4096)
        .app("acme", Plan.PRO, "k-acme")
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void handshake_websocketTransport_opensWithHeartbeatAndMaxPayload() {
    try (WsClient client = engineIo("EIO=4&transport=websocket")) {
      String open = client.nextText();

      assertThat(open).startsWith("0");
      JsonObject handshake = JsonParser.parseString(open.substring(1)).getAsJsonObject();
      assertThat(handshake.get("sid").getAsString()).startsWith("c-");
      assertThat(handshake.getAsJsonArray("upgrades")).isEmpty();
      assertThat(handshake.get("pingInterval").getAsInt()).isEqualTo(25_000);
      assertThat(handshake.get("pingTimeout").getAsInt()).isEqualTo(20_000);
      assertThat(handshake.get("maxPayload").getAsInt()).isEqualTo(4096);
    }
  }

  @Test
  void events_nativeAndSocketIoMembersOfOneChannel_reachEachOther() {
    try (WsClient socketIo = engineIo("EIO=4&transport=websocket");
        WsClient nativeClient = WsClient.welcomed(server, "k-acme")) {
      socketIo.nextText();
      socketIo.send("40{\"token\":\"k-acme\"}");
      assertThat(socketIo.nextText()).startsWith("40{\"sid\":");
      socketIo.send("421[\"JOIN\",{\"key\":\"k-acme\",\"group_id\":\"news\"}]");
      assertThat(socketIo.nextText()).isEqualTo("431[\"joined news\"]");
      nativeClient.subscribe("news", 1);

      nativeClient.send("{\"op\":\"emit\",\"channel\":\"news\",\"event\":\"up\","
          + "\"data\":{\"n\": 1.50}}");
      socketIo.send("42[\"MESSAGE\",{\"group_id\":\"news\",\"event_name\":\"chat\","
          + "\"message\":\"U2FsdGVkX1+x\",\"key\":\"k-acme\"}]");

      assertThat(socketIo.nextText()).isEqualTo("42[\"up\",{\"n\": 1.50}]");
      assertThat(nativeClient.nextText()).isEqualTo(
          "{\"op\":\"event\",\"channel\":\"news\",\"event\":\"chat\",\"data\":\"U2FsdGVkX1+x\"}");
    }
  }

  @Test
  void polling_plainGet_isAnswered400WithEngineIoErrorSayingToUseWebsocket() throws Exception {
    HttpResponse<String> response = get("/socket.io/?EIO=4&transport=polling&t=abc");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(
        "application/json; charset=utf-8");
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(body.get("code").getAsInt()).isEqualTo(3);
    assertThat(body.get("message").getAsString()).isEqualTo(
        "long-polling is not supported: connect with io(url, { transports: [\"websocket\"] })");
  }

  @Test
  void handshake_otherEngineIoVersionOrSid_isRefused400() throws Exception {
    HttpResponse<String> oldVersion = get("/socket.io/?EIO=3&transport=polling");

    assertThat(oldVersion.statusCode()).isEqualTo(400);
    assertThat(oldVersion.body()).contains("\"code\":5").contains("EIO=3");
    assertThatThrownBy(() -> engineIo("EIO=4&transport=websocket&sid=abc"))
        .isInstanceOf(CompletionException.class)
        .rootCause().hasMessageContaining("400");
  }

  @Test
  void plainGet_nativeEndpoint_isStill404() throws Exception {
    assertThat(get("/v1").statusCode()).isEqualTo(404);
  }

  private WsClient engineIo(String query) {
    return WsClient.open(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?" + query),
        Map.of());
  }

  private HttpResponse<String> get(String target) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + target)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
