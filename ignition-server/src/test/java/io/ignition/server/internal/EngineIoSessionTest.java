package io.ignition.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ignition.core.App;
import io.ignition.core.EventHub;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import io.ignition.core.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Engine.IO sessions and their Socket.IO namespaces over a recording link, on a real hub. */
class EngineIoSessionTest {
  private static final EngineIoSettings QUIET = new EngineIoSettings(Duration.ofHours(1),
      Duration.ofHours(1), Duration.ofHours(1));

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final App acme = new App("acme", Plan.PRO);
  private final App tiny = new App("tiny", new Plan("tiny", 2, 10));
  private final EventHub hub = EventHub.builder()
      .keys(KeyStore.inMemory(Map.of("k-acme", acme, "k-acme-2", acme, "k-tiny", tiny)))
      .build();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void open_sendsOpenPacketWithSidAndHeartbeat() {
    RecordingLink link = new RecordingLink("c-1");

    EngineIoSession.open(hub, link, timer, EngineIoSettings.DEFAULTS);

    assertThat(link.texts).containsExactly("0{\"sid\":\"c-1\",\"upgrades\":[],\"pingInterval\":"
        + "25000,\"pingTimeout\":20000,\"maxPayload\":65536}");
  }

  @Test
  void connect_authToken_answersSidAndCountsOneRequest() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);

    session.onText("40{\"token\":\"k-acme\"}");

    assertThat(link.texts).last().isEqualTo("40{\"sid\":\"c-1.1\"}");
    assertThat(usage(acme).requestsToday()).isEqualTo(1);
    assertThat(usage(acme).connections()).isEqualTo(1);
  }

  @Test
  void connect_keyAsNamespace_answersInThatNamespace() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);

    session.onText("40/k-acme,");

    assertThat(link.texts).last().isEqualTo("40/k-acme,{\"sid\":\"c-1.1\"}");
    assertThat(usage(acme).connections()).isEqualTo(1);
  }

  @Test
  void connect_unknownKey_connectsThenReportsErrorThenDisconnects() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);

    session.onText("40/nope,");

    assertThat(link.texts.subList(1, link.texts.size())).containsExactly(
        "40/nope,{\"sid\":\"c-1.1\"}",
        "42/nope,[\"ERROR\",\"unknown or revoked API key\"]",
        "41/nope,");
    assertThat(link.closes).isEmpty();
    assertThat(usage(acme).requestsToday()).isZero();
  }

  @Test
  void message_betweenNamespacesOfTwoSessions_reachesOthersNotSender() {
    RecordingLink aliceLink = new RecordingLink("c-a");
    RecordingLink bobLink = new RecordingLink("c-b");
    EngineIoSession alice = EngineIoSession.open(hub, aliceLink, timer, QUIET);
    EngineIoSession bob = EngineIoSession.open(hub, bobLink, timer, QUIET);
    alice.onText("40{\"token\":\"k-acme\"}");
    bob.onText("40/k-acme-2,");

    alice.onText("420[\"JOIN\",{\"key\":\"k-acme\",\"group_id\":\"news\"}]");
    bob.onText("42/k-acme-2,7[\"JOIN\",\"news\"]");
    alice.onText("42[\"MESSAGE\",{\"group_id\":\"news\",\"event_name\":\"up\","
        + "\"message\":{\"n\":1.50}}]");
    hub.publish("acme", "news", "server", "\"from backend\"");

    await().untilAsserted(() -> assertThat(aliceLink.texts).contains("430[\"joined news\"]"));
    assertThat(bobLink.texts).contains("43/k-acme-2,7[\"joined news\"]");
    assertThat(bobLink.framePayloads()).containsExactly("42/k-acme-2,[\"up\",{\"n\":1.50}]",
        "42/k-acme-2,[\"server\",\"from backend\"]");
    assertThat(aliceLink.framePayloads()).containsExactly("42[\"server\",\"from backend\"]");
  }

  @Test
  void revokeKey_connectedNamespace_getsErrorThenDisconnectAndFreesItsSlot() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);
    session.onText("40/k-acme-2,");
    session.onText("40{\"token\":\"k-acme\"}");

    hub.revokeKey("k-acme-2");

    assertThat(link.texts).endsWith("42/k-acme-2,[\"ERROR\",\"API key revoked\"]", "41/k-acme-2,");
    assertThat(usage(acme).connections()).isEqualTo(1);
    session.onText("42/k-acme-2,[\"JOIN\",\"news\"]");
    assertThat(link.texts).last().asString().startsWith("44/k-acme-2,{\"message\":\"not connected");
  }

  @Test
  void requests_pastDailyLimit_getErrorThenDisconnect() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);
    session.onText("40{\"token\":\"k-tiny\"}");
    session.onText("42[\"INFO\",{}]");
    session.onText("42[\"LEAVE\",\"news\"]");

    session.onText("42[\"MESSAGE\",{\"group_id\":\"news\",\"event_name\":\"e\"}]");

    assertThat(link.texts.get(2)).as("INFO is answered and not counted")
        .startsWith("42[\"INFO\",{\"app\":\"tiny\"");
    assertThat(link.texts.get(3)).startsWith("42[\"ERROR\",\"daily limit of 2 requests reached");
    assertThat(link.texts).last().isEqualTo("41");
    assertThat(usage(tiny).connections()).isZero();
  }

  @Test
  void onClose_releasesEveryNamespaceAndIgnoresLaterFrames() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);
    session.onText("40{\"token\":\"k-acme\"}");
    session.onText("40/k-acme-2,");
    session.onText("42[\"JOIN\",\"news\"]");

    session.onClose();
    session.onText("40/k-acme,");

    assertThat(usage(acme).connections()).isZero();
    assertThat(hub.registry().subscriberCount("acme", "news")).isZero();
    assertThat(link.texts).last().isEqualTo("40/k-acme-2,{\"sid\":\"c-1.2\"}");
  }

  @Test
  void connect_sameNamespaceTwice_isAnsweredWithConnectError() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);
    session.onText("40/k-acme,");

    session.onText("40/k-acme,");

    assertThat(link.texts).last().isEqualTo("44/k-acme,{\"message\":\"already connected to "
        + "/k-acme\"}");
    assertThat(usage(acme).connections()).isEqualTo(1);
  }

  @Test
  void onBinary_announcedAttachment_isSkippedButUnannouncedOneCloses1003() {
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, QUIET);
    session.onText("40{\"token\":\"k-acme\"}");

    session.onText("451-[\"MESSAGE\",{\"_placeholder\":true,\"num\":0}]");
    session.onBinary(3);
    assertThat(link.closes).isEmpty();
    session.onBinary(3);

    assertThat(link.texts).contains("42[\"ERROR\",\"binary attachments are not supported; send "
        + "strings or JSON\"]");
    assertThat(link.closes).containsExactly("1003 binary frames are not supported; send text");
  }

  @Test
  void onText_malformedPacket_closes1002WithTheReason() {
    RecordingLink empty = new RecordingLink("c-1");
    RecordingLink badJson = new RecordingLink("c-2");

    EngineIoSession.open(hub, empty, timer, QUIET).onText("");
    EngineIoSession.open(hub, badJson, timer, QUIET).onText("42[\"JOIN\"");

    assertThat(empty.closes).containsExactly("1002 empty Engine.IO packet");
    assertThat(badJson.closes).singleElement().asString()
        .startsWith("1002 payload is not valid JSON");
  }

  @Test
  void heartbeat_answeredPings_keepSessionUntilPongsStop() {
    EngineIoSettings fast = new EngineIoSettings(Duration.ofMillis(20), Duration.ofMillis(200),
        Duration.ofHours(1));
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, fast);
    session.onText("40{\"token\":\"k-acme\"}");
    link.onText = text -> {
      if (text.equals("2")) {
        session.onText("3");
      }
    };

    await().until(() -> link.texts.stream().filter("2"::equals).count() >= 5);
    assertThat(link.closes).isEmpty();
    link.onText = text -> { };

    await().untilAsserted(() -> assertThat(link.closes)
        .containsExactly("1000 ping timeout: no pong within 200 ms"));
  }

  @Test
  void heartbeat_noNamespaceWithinConnectTimeout_closesSession() {
    EngineIoSettings settings = new EngineIoSettings(Duration.ofMillis(20), Duration.ofSeconds(5),
        Duration.ofMillis(100));
    RecordingLink link = new RecordingLink("c-1");
    EngineIoSession session = EngineIoSession.open(hub, link, timer, settings);
    link.onText = text -> {
      if (text.equals("2")) {
        session.onText("3");
      }
    };

    await().untilAsserted(() -> assertThat(link.closes)
        .containsExactly("1000 no namespace connected within 100 ms"));
  }

  private Usage usage(App app) {
    return hub.quotas().usage(app);
  }

  /** Records what a session writes; thread-safe. */
  private static final class RecordingLink implements EngineIoSession.Link {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<byte[]> frames = new CopyOnWriteArrayList<>();
    final List<String> closes = new CopyOnWriteArrayList<>();
    volatile Consumer<String> onText = text -> { };
    private final String id;

    RecordingLink(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void send(String text) {
      texts.add(text);
      onText.accept(text);
    }

    @Override
    public void sendFrame(byte[] frame) {
      frames.add(frame);
    }

    @Override
    public void close(int code, String reason) {
      closes.add(code + " " + reason);
    }

    /** Returns the payloads of the prebuilt frames, which are short text frames here. */
    List<String> framePayloads() {
      return frames.stream().map(frame -> {
        assertThat(frame[0]).isEqualTo((byte) 0x81);
        assertThat(frame[1]).isEqualTo((byte) (frame.length - 2));
        return new String(Arrays.copyOfRange(frame, 2, frame.length), StandardCharsets.UTF_8);
      }).toList();
    }
  }
}
