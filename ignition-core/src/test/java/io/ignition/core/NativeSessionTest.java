package io.ignition.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.RecordingConnection.Close;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The native protocol as a client sees it, through {@link EventHub#openNative}. */
class NativeSessionTest {
  private static final String KEY = "key-acme";
  private static final String OTHER_KEY = "key-globex";
  private static final App ACME = new App("acme", Plan.HOBBY);
  private static final App GLOBEX = new App("globex", Plan.PRO);
  private static final String CHANNEL_RULE =
      "channel must be 1 to 128 characters without control characters";
  private static final String EVENT_RULE =
      "event must be 1 to 64 characters without control characters";

  private int connections;

  /** Writes JSON with single quotes for readability; every ' becomes ". */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static JsonElement parse(String singleQuoted) {
    return JsonParser.parseString(json(singleQuoted));
  }

  private static EventHub.Builder hubBuilder() {
    return EventHub.builder().keys(KeyStore.inMemory(Map.of(KEY, ACME, OTHER_KEY, GLOBEX)));
  }

  private RecordingConnection connection() {
    connections++;
    return new RecordingConnection("c-test-" + connections);
  }

  /** Returns the last text frame sent on the connection, parsed. */
  private static JsonObject last(RecordingConnection connection) {
    List<String> texts = connection.texts();
    assertThat(texts).isNotEmpty();
    return JsonParser.parseString(texts.get(texts.size() - 1)).getAsJsonObject();
  }

  /** Returns the text frames sent after the welcome, parsed. */
  private static List<JsonElement> replies(RecordingConnection connection) {
    List<String> texts = connection.texts();
    assertThat(texts).isNotEmpty();
    return texts.subList(1, texts.size()).stream().map(JsonParser::parseString).toList();
  }

  /** Subscribes a plain subscriber, outside any session, and returns what it receives. */
  private static List<Event> listen(EventHub hub, String app, String channel) {
    List<Event> received = new CopyOnWriteArrayList<>();
    hub.registry().subscribe(app, channel, received::add);
    return received;
  }

  // Opening

  @Test
  void openNative_validKey_sendsWelcomeWithPlanAndLimits() {
    EventHub hub = hubBuilder().maxFrameBytes(1024).maxChannelsPerConnection(7).build();
    RecordingConnection connection = new RecordingConnection("c-welcome-1");

    hub.openNative(connection, KEY, false);

    assertThat(connection.texts()).hasSize(1);
    assertThat(last(connection)).isEqualTo(parse("{'op':'welcome','connection':'c-welcome-1',"
        + "'plan':'hobby','limits':{'dailyRequests':100,'connections':10,"
        + "'maxFrameBytes':1024,'maxChannels':7}}"));
    assertThat(connection.closes()).isEmpty();
  }

  @Test
  void openNative_enterprisePlan_reportsUnlimitedAsMinusOne() {
    App enterprise = new App("initech", Plan.ENTERPRISE);
    EventHub hub = EventHub.builder().keys(KeyStore.inMemory(Map.of("k", enterprise))).build();
    RecordingConnection connection = connection();

    hub.openNative(connection, "k", false);

    JsonObject limits = last(connection).getAsJsonObject("limits");
    assertThat(last(connection).get("plan").getAsString()).isEqualTo("enterprise");
    assertThat(limits.get("dailyRequests").getAsLong()).isEqualTo(-1);
    assertThat(limits.get("connections").getAsInt()).isEqualTo(-1);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void openNative_missingKey_closes4001AndReleasesNothing(String key) {
    CountingQuotaPolicy quotas = CountingQuotaPolicy.admittingAll();
    EventHub hub = hubBuilder().quotas(quotas).build();
    RecordingConnection connection = connection();

    Session session = hub.openNative(connection, key, false);
    session.onText(json("{'op':'ping','id':1}"));
    session.onClose();

    assertThat(connection.closes()).singleElement().satisfies(close -> {
      assertThat(close.code()).isEqualTo(4001);
      assertThat(close.reason()).contains("missing API key");
    });
    assertThat(connection.texts()).isEmpty();
    assertThat(quotas.connectionAttempts()).isZero();
    assertThat(quotas.releases()).isZero();
    assertThat(quotas.requestsAdmitted()).isZero();
  }

  @Test
  void openNative_unknownKey_closes4001AndReleasesNothing() {
    CountingQuotaPolicy quotas = CountingQuotaPolicy.admittingAll();
    EventHub hub = hubBuilder().quotas(quotas).build();
    RecordingConnection connection = connection();

    Session session = hub.openNative(connection, "key-nobody", false);
    session.onText(json("{'op':'subscribe','id':1,'channel':'news'}"));
    session.onClose();

    assertThat(connection.closes()).containsExactly(new Close(4001, "unknown or revoked API key"));
    assertThat(connection.texts()).isEmpty();
    assertThat(hub.registry().channelCount()).isZero();
    assertThat(quotas.connectionAttempts()).isZero();
    assertThat(quotas.releases()).isZero();
    assertThat(quotas.requestsAdmitted()).isZero();
  }

  @Test
  void openNative_connectionRefused_closes4029AndNeverReleasesTheSlot() {
    CountingQuotaPolicy quotas = CountingQuotaPolicy.refusingConnections();
    EventHub hub = hubBuilder().quotas(quotas).build();
    RecordingConnection connection = connection();

    Session session = hub.openNative(connection, KEY, false);
    session.onText(json("{'op':'ping','id':1}"));
    session.onClose();
    session.onClose();

    assertThat(connection.closes())
        .containsExactly(new Close(4029, CountingQuotaPolicy.CONNECTION_REFUSAL_MESSAGE));
    assertThat(connection.texts()).isEmpty();
    assertThat(quotas.connectionAttempts()).isEqualTo(1);
    assertThat(quotas.connectionsAdmitted()).isZero();
    assertThat(quotas.releases()).isZero();
  }

  @Test
  void openNative_connectionRequestRefused_closes4029AndReleasesTheGrantedSlotOnce() {
    CountingQuotaPolicy quotas = CountingQuotaPolicy.admittingRequests(0);
    EventHub hub = hubBuilder().quotas(quotas).build();
    RecordingConnection connection = connection();

    Session session = hub.openNative(connection, KEY, false);
    session.onClose();
    session.onClose();

    assertThat(connection.texts()).singleElement()
        .satisfies(text -> assertThat(JsonParser.parseString(text)).isEqualTo(parse(
            "{'op':'error','code':'quota_exceeded','message':'daily request limit reached'}")));
    assertThat(connection.closes())
        .containsExactly(new Close(4029, CountingQuotaPolicy.REFUSAL_MESSAGE));
    assertThat(quotas.connectionsAdmitted()).isEqualTo(1);
    assertThat(quotas.releases()).isEqualTo(1);
  }

  // Subscribe, unsubscribe, emit

  @Test
  void onText_subscribeWithId_repliesOkAndDeliversLaterEvents() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'subscribe','id':7,'channel':'news'}"));
    int delivered = hub.publish("acme", "news", "update", "{\"a\":1}");

    assertThat(replies(connection)).containsExactly(parse("{'op':'ok','id':7}"));
    assertThat(hub.registry().subscriberCount("acme", "news")).isEqualTo(1);
    assertThat(delivered).isEqualTo(1);
    assertThat(connection.events()).singleElement().satisfies(event -> {
      assertThat(event.channel()).isEqualTo("news");
      assertThat(event.name()).isEqualTo("update");
      assertThat(event.data()).isEqualTo("{\"a\":1}");
    });
  }

  @Test
  void onText_unsubscribeWithId_repliesOkAndStopsDelivery() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    session.onText(json("{'op':'subscribe','id':1,'channel':'news'}"));

    session.onText(json("{'op':'unsubscribe','id':2,'channel':'news'}"));
    int delivered = hub.publish("acme", "news", "update", "1");

    assertThat(replies(connection))
        .containsExactly(parse("{'op':'ok','id':1}"), parse("{'op':'ok','id':2}"));
    assertThat(delivered).isZero();
    assertThat(connection.events()).isEmpty();
    assertThat(hub.registry().channelCount()).isZero();
  }

  @Test
  void onText_unsubscribeNotSubscribed_repliesOk() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'unsubscribe','id':9007199254740991,'channel':'news'}"));

    assertThat(replies(connection)).containsExactly(parse("{'op':'ok','id':9007199254740991}"));
    assertThat(hub.registry().channelCount()).isZero();
  }

  @Test
  void onText_emitWithId_repliesOkAndPublishesDataVerbatim() {
    EventHub hub = hubBuilder().build();
    List<Event> received = listen(hub, "acme", "news");
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'emit','id':3,'channel':'news','event':'update',")
        + "\"data\":{\"a\":[1,2.50,1e3]}}");

    assertThat(replies(connection)).containsExactly(parse("{'op':'ok','id':3}"));
    assertThat(received).singleElement().satisfies(event -> {
      assertThat(event.app()).isEqualTo("acme");
      assertThat(event.channel()).isEqualTo("news");
      assertThat(event.name()).isEqualTo("update");
      assertThat(event.data()).isEqualTo("{\"a\":[1,2.50,1e3]}");
      assertThat(event.origin()).isSameAs(session);
    });
  }

  @Test
  void onText_emitWithoutData_publishesNull() {
    EventHub hub = hubBuilder().build();
    List<Event> received = listen(hub, "acme", "news");
    Session session = hub.openNative(connection(), KEY, false);

    session.onText(json("{'op':'emit','channel':'news','event':'update'}"));

    assertThat(received).singleElement().extracting(Event::data).isEqualTo("null");
  }

  @Test
  void onText_framesWithoutId_areAnsweredWithNothing() {
    EventHub hub = hubBuilder().build();
    RecordingConnection receiver = connection();
    RecordingConnection sender = connection();
    Session receiving = hub.openNative(receiver, KEY, false);
    Session sending = hub.openNative(sender, KEY, false);

    receiving.onText(json("{'op':'subscribe','channel':'news'}"));
    sending.onText(json("{'op':'emit','channel':'news','event':'update','data':1}"));
    receiving.onText(json("{'op':'unsubscribe','channel':'news'}"));
    receiving.onText(json("{'op':'ping'}"));
    receiving.onText(json("{'op':'info'}"));

    assertThat(receiver.events()).extracting(Event::data).containsExactly("1");
    assertThat(hub.registry().channelCount()).isZero();
    assertThat(replies(receiver)).isEmpty();
    assertThat(replies(sender)).isEmpty();
  }

  @Test
  void onText_emit_reachesOtherSubscribersInOrderButNotTheSender() {
    EventHub hub = hubBuilder().build();
    RecordingConnection sender = connection();
    RecordingConnection receiver = connection();
    Session sending = hub.openNative(sender, KEY, false);
    Session receiving = hub.openNative(receiver, KEY, false);
    sending.onText(json("{'op':'subscribe','channel':'news'}"));
    receiving.onText(json("{'op':'subscribe','channel':'news'}"));

    for (int i = 1; i <= 3; i++) {
      sending.onText(json("{'op':'emit','channel':'news','event':'n','data':" + i + "}"));
    }

    assertThat(receiver.events()).extracting(Event::data).containsExactly("1", "2", "3");
    assertThat(sender.events()).isEmpty();
  }

  @Test
  void onText_emitWithEcho_reachesTheSenderToo() {
    EventHub hub = hubBuilder().build();
    RecordingConnection sender = connection();
    Session sending = hub.openNative(sender, KEY, true);
    sending.onText(json("{'op':'subscribe','channel':'news'}"));

    sending.onText(json("{'op':'emit','channel':'news','event':'update','data':true}"));

    assertThat(sender.events()).singleElement().satisfies(event -> {
      assertThat(event.data()).isEqualTo("true");
      assertThat(event.origin()).isSameAs(sending);
    });
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void onText_emitWhileSubscribed_reportsTheDeliveriesMade(boolean echo) {
    List<Integer> deliveries = new CopyOnWriteArrayList<>();
    EventHub hub = hubBuilder().observer(new HubObserver() {
      @Override
      public void published(App app, int count) {
        deliveries.add(count);
      }
    }).build();
    RecordingConnection sender = connection();
    RecordingConnection receiver = connection();
    Session sending = hub.openNative(sender, KEY, echo);
    hub.openNative(receiver, KEY, false).onText(json("{'op':'subscribe','channel':'news'}"));
    sending.onText(json("{'op':'subscribe','channel':'news'}"));

    sending.onText(json("{'op':'emit','channel':'news','event':'update'}"));

    int received = receiver.events().size() + sender.events().size();
    assertThat(received).isEqualTo(echo ? 2 : 1);
    assertThat(deliveries).containsExactly(received);
  }

  @Test
  void onText_emitWithoutSubscribing_stillReachesSubscribers() {
    EventHub hub = hubBuilder().build();
    RecordingConnection receiver = connection();
    hub.openNative(receiver, KEY, false).onText(json("{'op':'subscribe','channel':'news'}"));
    Session sending = hub.openNative(connection(), KEY, false);

    sending.onText(json("{'op':'emit','channel':'news','event':'update'}"));

    assertThat(receiver.events()).hasSize(1);
  }

  @Test
  void onText_emitToSameChannelOfOtherApp_deliversNothing() {
    EventHub hub = hubBuilder().build();
    RecordingConnection other = connection();
    hub.openNative(other, OTHER_KEY, false).onText(json("{'op':'subscribe','channel':'news'}"));
    Session sending = hub.openNative(connection(), KEY, false);

    sending.onText(json("{'op':'emit','id':1,'channel':'news','event':'update'}"));

    assertThat(other.events()).isEmpty();
    assertThat(hub.registry().subscriberCount("globex", "news")).isEqualTo(1);
  }

  // Errors

  static Stream<Arguments> badFrames() {
    String deep = "[".repeat(64) + "]".repeat(64);
    return Stream.of(
        Arguments.of("{\"op\":\"ping\",", "bad_request", 0, "expected a field name"),
        Arguments.of("hello", "bad_request", 0, "unexpected character"),
        Arguments.of("", "bad_request", 0, "unexpected end of input"),
        Arguments.of("[1,2]", "bad_request", 0, "frame must be a JSON object"),
        Arguments.of("\"ping\"", "bad_request", 0, "frame must be a JSON object"),
        Arguments.of(json("{'op':'subscribe','id':5,'channel':5}"), "bad_request", 5,
            "field channel must be a string"),
        Arguments.of(json("{'id':5,'channel':'news'}"), "bad_request", 5, "missing field op"),
        Arguments.of(json("{'op':'dance','id':5}"), "bad_request", 5, "unknown op \"dance\""),
        Arguments.of(json("{'op':'subscribe','id':5}"), "bad_request", 5,
            "missing field channel"),
        Arguments.of(json("{'op':'unsubscribe','id':5}"), "bad_request", 5,
            "missing field channel"),
        Arguments.of(json("{'op':'emit','id':5,'event':'e'}"), "bad_request", 5,
            "missing field channel"),
        Arguments.of(json("{'op':'emit','id':5,'channel':'news'}"), "bad_request", 5,
            "missing field event"),
        Arguments.of(json("{'op':'emit','id':5,'channel':'news','event':'e','data':" + deep + "}"),
            "bad_request", 5, "nested deeper than 64"));
  }

  @ParameterizedTest
  @MethodSource("badFrames")
  void onText_badFrame_answersErrorAndStaysOpen(String frame, String code, long id,
      String messagePart) {
    EventHub hub = hubBuilder().build();
    List<Event> received = listen(hub, "acme", "news");
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(frame);
    session.onText(json("{'op':'ping','id':6}"));

    assertError(replies(connection).get(0).getAsJsonObject(), id, code, messagePart);
    assertThat(replies(connection)).hasSize(2);
    assertThat(last(connection).get("id").getAsLong()).isEqualTo(6);
    assertThat(connection.closes()).isEmpty();
    assertThat(received).isEmpty();
    assertThat(hub.registry().channelCount()).isEqualTo(1);
  }

  private static void assertError(JsonObject error, long id, String code, String messagePart) {
    assertThat(error.get("op").getAsString()).isEqualTo("error");
    assertThat(error.get("code").getAsString()).isEqualTo(code);
    assertThat(error.get("message").getAsString()).contains(messagePart);
    if (id > 0) {
      assertThat(error.get("id").getAsLong()).isEqualTo(id);
    } else {
      assertThat(error.has("id")).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\\u0000", "a\\u001fb", "a\\u007f", "\\u0080x", "x\\u009f",
      "\\t", "\\n"})
  void onText_channelInvalid_answersInvalidChannelForEveryOp(String channel) {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'subscribe','id':1,'channel':'" + channel + "'}"));
    session.onText(json("{'op':'unsubscribe','id':2,'channel':'" + channel + "'}"));
    session.onText(json("{'op':'emit','id':3,'channel':'" + channel + "','event':'e'}"));

    List<JsonElement> replies = replies(connection);
    assertThat(replies).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertError(replies.get(i).getAsJsonObject(), i + 1, "invalid_channel", CHANNEL_RULE);
    }
    assertThat(hub.registry().channelCount()).isZero();
    assertThat(connection.closes()).isEmpty();
  }

  @Test
  void onText_channelOf129Characters_answersInvalidChannelButAccepts128() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'subscribe','id':1,'channel':'" + "c".repeat(129) + "'}"));
    session.onText(json("{'op':'subscribe','id':2,'channel':'" + "c".repeat(128) + "'}"));

    assertError(replies(connection).get(0).getAsJsonObject(), 1, "invalid_channel", CHANNEL_RULE);
    assertThat(replies(connection).get(1)).isEqualTo(parse("{'op':'ok','id':2}"));
    assertThat(hub.registry().subscriberCount("acme", "c".repeat(128))).isEqualTo(1);
    assertThat(hub.registry().channelCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\\u0001", "ev\\u0085ent",
      "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"})
  void onText_eventInvalid_answersInvalidEventAndPublishesNothing(String event) {
    EventHub hub = hubBuilder().build();
    List<Event> received = listen(hub, "acme", "news");
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'emit','id':4,'channel':'news','event':'" + event + "'}"));

    assertThat(replies(connection)).singleElement().satisfies(
        reply -> assertError(reply.getAsJsonObject(), 4, "invalid_event", EVENT_RULE));
    assertThat(received).isEmpty();
    assertThat(connection.closes()).isEmpty();
  }

  @Test
  void onText_eventOf64Characters_isPublished() {
    EventHub hub = hubBuilder().build();
    List<Event> received = listen(hub, "acme", "news");
    Session session = hub.openNative(connection(), KEY, false);

    session.onText(json("{'op':'emit','channel':'news','event':'" + "e".repeat(64) + "'}"));

    assertThat(received).singleElement().extracting(Event::name).isEqualTo("e".repeat(64));
  }

  @Test
  void onText_unknownLongOp_echoesAShortenedOpThatStaysValidUnicode() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    // The 32nd and 33rd chars are one code point, so a cut after 32 chars would split it.
    String op = "o".repeat(31) + "\uD83D\uDE80" + "tail";

    session.onText(json("{'op':'" + op + "','id':8}"));

    String reply = connection.texts().get(1);
    assertError(last(connection), 8, "bad_request", "unknown op \"" + "o".repeat(31));
    assertThat(reply).doesNotContain("tail");
    assertThat(new String(reply.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .as("the error frame survives UTF-8 encoding")
        .isEqualTo(reply);
  }

  @Test
  void onBinary_open_answersBadRequestWithoutIdAndStaysOpen() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onBinary(12);

    assertThat(replies(connection)).singleElement()
        .satisfies(reply -> assertError(reply.getAsJsonObject(), 0, "bad_request", "binary"));
    assertThat(connection.closes()).isEmpty();
  }

  @Test
  void onText_subscribePastChannelLimit_answersTooManyChannels() {
    EventHub hub = hubBuilder().maxChannelsPerConnection(2).build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    session.onText(json("{'op':'subscribe','id':1,'channel':'a'}"));
    session.onText(json("{'op':'subscribe','id':2,'channel':'b'}"));

    session.onText(json("{'op':'subscribe','id':3,'channel':'c'}"));
    session.onText(json("{'op':'subscribe','id':4,'channel':'a'}"));

    List<JsonElement> replies = replies(connection);
    assertThat(replies).hasSize(4);
    assertError(replies.get(2).getAsJsonObject(), 3, "too_many_channels", "at most 2 channels");
    assertThat(replies.get(3)).isEqualTo(parse("{'op':'ok','id':4}"));
    assertThat(hub.registry().subscriberCount("acme", "c")).isZero();
    assertThat(hub.registry().channelCount()).isEqualTo(2);
    assertThat(connection.closes()).isEmpty();
  }

  @Test
  void onText_subscribeAfterUnsubscribingAtChannelLimit_isAccepted() {
    EventHub hub = hubBuilder().maxChannelsPerConnection(2).build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    session.onText(json("{'op':'subscribe','channel':'a'}"));
    session.onText(json("{'op':'subscribe','channel':'b'}"));

    session.onText(json("{'op':'unsubscribe','channel':'a'}"));
    session.onText(json("{'op':'subscribe','id':5,'channel':'c'}"));

    assertThat(replies(connection)).containsExactly(parse("{'op':'ok','id':5}"));
    assertThat(hub.registry().subscriberCount("acme", "c")).isEqualTo(1);
  }

  // Info and ping

  @Test
  void onText_info_repliesAppPlanLimitsAndUsage() {
    EventHub hub = hubBuilder().maxFrameBytes(4096).maxChannelsPerConnection(3).build();
    hub.openNative(connection(), KEY, false);
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);

    session.onText(json("{'op':'info','id':4}"));

    JsonObject reply = last(connection);
    JsonObject data = reply.getAsJsonObject("data");
    JsonObject usage = data.getAsJsonObject("usage");
    assertThat(reply.get("op").getAsString()).isEqualTo("ok");
    assertThat(reply.get("id").getAsLong()).isEqualTo(4);
    assertThat(data.get("app").getAsString()).isEqualTo("acme");
    assertThat(data.get("plan").getAsString()).isEqualTo("hobby");
    assertThat(data.get("limits")).isEqualTo(parse("{'dailyRequests':100,'connections':10,"
        + "'maxFrameBytes':4096,'maxChannels':3}"));
    assertThat(usage.get("requestsToday").getAsLong()).as("each connection is a request")
        .isEqualTo(2);
    assertThat(usage.get("requestsLeft").getAsLong()).isEqualTo(98);
    assertThat(usage.get("connections").getAsInt()).isEqualTo(2);
    assertThat(Instant.parse(usage.get("resetAt").getAsString()))
        .isAfter(Instant.now())
        .isBeforeOrEqualTo(Instant.now().plus(Duration.ofDays(1)));
  }

  @Test
  void onText_ping_repliesCurrentTime() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    long before = System.currentTimeMillis();

    session.onText(json("{'op':'ping','id':5}"));

    long after = System.currentTimeMillis();
    JsonObject reply = last(connection);
    assertThat(reply.keySet()).containsExactlyInAnyOrder("op", "id", "data");
    assertThat(reply.get("op").getAsString()).isEqualTo("ok");
    assertThat(reply.get("id").getAsLong()).isEqualTo(5);
    assertThat(reply.getAsJsonObject("data").get("time").getAsLong()).isBetween(before, after);
  }

  // Close and quotas

  @Test
  void onClose_twice_releasesEverySubscriptionAndTheSlotOnce() {
    CountingQuotaPolicy quotas = CountingQuotaPolicy.admittingAll();
    EventHub hub = hubBuilder().quotas(quotas).build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    for (String channel : List.of("a", "b", "c")) {
      session.onText(json("{'op':'subscribe','channel':'" + channel + "'}"));
    }

    session.onClose();
    session.onClose();

    for (String channel : List.of("a", "b", "c")) {
      assertThat(hub.registry().subscriberCount("acme", channel)).isZero();
    }
    assertThat(hub.registry().channelCount()).isZero();
    assertThat(quotas.connectionsAdmitted()).isEqualTo(1);
    assertThat(quotas.releases()).isEqualTo(1);
  }

  @Test
  void onText_afterClose_isIgnored() {
    EventHub hub = hubBuilder().build();
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    session.onClose();

    session.onText(json("{'op':'subscribe','id':1,'channel':'news'}"));
    session.onText(json("{'op':'ping','id':2}"));
    session.onBinary(3);

    assertThat(replies(connection)).isEmpty();
    assertThat(hub.registry().channelCount()).isZero();
  }

  @Test
  void onText_emitRefusedByQuota_answersQuotaExceededAndCloses4029() {
    // One request for the connection, one for the subscribe, none left for the emit.
    CountingQuotaPolicy quotas = CountingQuotaPolicy.admittingRequests(2);
    EventHub hub = hubBuilder().quotas(quotas).build();
    List<Event> received = listen(hub, "acme", "news");
    RecordingConnection connection = connection();
    Session session = hub.openNative(connection, KEY, false);
    session.onText(json("{'op':'subscribe','id':1,'channel':'mine'}"));

    session.onText(json("{'op':'emit','id':2,'channel':'news','event':'update'}"));

    assertThat(replies(connection)).containsExactly(parse("{'op':'ok','id':1}"),
        parse("{'op':'error','id':2,'code':'quota_exceeded',"
            + "'message':'daily request limit reached'}"));
    assertThat(connection.closes())
        .containsExactly(new Close(4029, CountingQuotaPolicy.REFUSAL_MESSAGE));
    assertThat(received).isEmpty();
  }
}
