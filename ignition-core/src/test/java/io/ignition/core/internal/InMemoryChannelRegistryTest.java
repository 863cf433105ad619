package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.Event;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InMemoryChannelRegistryTest {
  private final ChannelRegistry registry = new InMemoryChannelRegistry();

  private static Event event(String app, String channel) {
    return new Event(app, channel, "update", "{}", null);
  }

  @Test
  void publish_twoSubscribers_deliversOnceToEachAndReturnsTwo() {
    RecordingSubscriber first = new RecordingSubscriber();
    RecordingSubscriber second = new RecordingSubscriber();
    RecordingSubscriber elsewhere = new RecordingSubscriber();
    registry.subscribe("acme", "news", first);
    registry.subscribe("acme", "news", second);
    registry.subscribe("acme", "sports", elsewhere);
    Event event = event("acme", "news");

    int delivered = registry.publish(event);

    assertThat(delivered).isEqualTo(2);
    assertThat(first.events()).containsExactly(event);
    assertThat(second.events()).containsExactly(event);
    assertThat(elsewhere.events()).isEmpty();
  }

  @Test
  void publish_noSubscribers_returnsZero() {
    assertThat(registry.publish(event("acme", "news"))).isZero();
    assertThat(registry.channelCount()).isZero();
  }

  @Test
  void publish_sameChannelOfOtherApp_deliversNothing() {
    RecordingSubscriber acme = new RecordingSubscriber();
    RecordingSubscriber globex = new RecordingSubscriber();
    registry.subscribe("acme", "news", acme);
    registry.subscribe("globex", "news", globex);
    Event event = event("globex", "news");

    int delivered = registry.publish(event);

    assertThat(delivered).isEqualTo(1);
    assertThat(acme.events()).isEmpty();
    assertThat(globex.events()).containsExactly(event);
    assertThat(registry.channelCount()).isEqualTo(2);
    assertThat(registry.subscriberCount("acme", "news")).isEqualTo(1);
  }

  @Test
  void subscribe_twice_isLikeOnce() {
    RecordingSubscriber subscriber = new RecordingSubscriber();
    registry.subscribe("acme", "news", subscriber);
    registry.subscribe("acme", "news", subscriber);

    int delivered = registry.publish(event("acme", "news"));

    assertThat(delivered).isEqualTo(1);
    assertThat(subscriber.events()).hasSize(1);
    assertThat(registry.subscriberCount("acme", "news")).isEqualTo(1);
  }

  @Test
  void subscribe_returnsCompletedStage_andLaterPublishDelivers() {
    RecordingSubscriber subscriber = new RecordingSubscriber();

    CompletableFuture<Void> stage =
        registry.subscribe("acme", "news", subscriber).toCompletableFuture();

    assertThat(stage).isCompleted();
    assertThat(registry.publish(event("acme", "news"))).isEqualTo(1);
    assertThat(subscriber.events()).hasSize(1);
  }

  @Test
  void unsubscribe_oneOfTwo_stopsItsDeliveryOnly() {
    RecordingSubscriber leaving = new RecordingSubscriber();
    RecordingSubscriber staying = new RecordingSubscriber();
    registry.subscribe("acme", "news", leaving);
    registry.subscribe("acme", "news", staying);

    registry.unsubscribe("acme", "news", leaving);
    int delivered = registry.publish(event("acme", "news"));

    assertThat(delivered).isEqualTo(1);
    assertThat(leaving.events()).isEmpty();
    assertThat(staying.events()).hasSize(1);
    assertThat(registry.subscriberCount("acme", "news")).isEqualTo(1);
  }

  @Test
  void unsubscribe_lastSubscriber_forgetsTheChannel() {
    RecordingSubscriber first = new RecordingSubscriber();
    RecordingSubscriber second = new RecordingSubscriber();
    registry.subscribe("acme", "news", first);
    registry.subscribe("acme", "news", second);

    registry.unsubscribe("acme", "news", first);
    registry.unsubscribe("acme", "news", second);

    assertThat(registry.channelCount()).isZero();
    assertThat(registry.subscriberCount("acme", "news")).isZero();
    assertThat(registry.publish(event("acme", "news"))).isZero();
  }

  @Test
  void unsubscribe_unknownSubscriberOrChannel_isHarmless() {
    RecordingSubscriber subscriber = new RecordingSubscriber();
    registry.subscribe("acme", "news", subscriber);

    registry.unsubscribe("acme", "news", new RecordingSubscriber());
    registry.unsubscribe("acme", "nowhere", subscriber);
    registry.unsubscribe("globex", "news", subscriber);

    assertThat(registry.channelCount()).isEqualTo(1);
    assertThat(registry.subscriberCount("acme", "news")).isEqualTo(1);
    assertThat(registry.publish(event("acme", "news"))).isEqualTo(1);
    assertThat(subscriber.events()).hasSize(1);
  }

  @Test
  void subscriptionCount_countsEachSubscriberOnEachChannelOnce() {
    RecordingSubscriber first = new RecordingSubscriber();
    RecordingSubscriber second = new RecordingSubscriber();
    registry.subscribe("acme", "news", first);
    registry.subscribe("acme", "news", first);
    registry.subscribe("acme", "sports", first);
    registry.subscribe("globex", "news", second);

    registry.unsubscribe("acme", "news", second);
    registry.unsubscribe("acme", "nowhere", first);

    // first on acme/news and acme/sports, second on globex/news; the repeat and the misses count
    // nothing.
    assertThat(registry.subscriptionCount()).isEqualTo(3);
    registry.unsubscribe("acme", "news", first);
    registry.unsubscribe("acme", "sports", first);
    registry.unsubscribe("globex", "news", second);
    assertThat(registry.subscriptionCount()).isZero();
  }

  @Test
  void subscribe_afterChannelWasForgotten_deliversAgain() {
    RecordingSubscriber subscriber = new RecordingSubscriber();
    registry.subscribe("acme", "news", subscriber);
    registry.unsubscribe("acme", "news", subscriber);

    registry.subscribe("acme", "news", subscriber);

    assertThat(registry.publish(event("acme", "news"))).isEqualTo(1);
    assertThat(registry.channelCount()).isEqualTo(1);
  }
}
