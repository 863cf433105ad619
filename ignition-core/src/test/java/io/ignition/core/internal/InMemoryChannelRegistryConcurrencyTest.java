package io.ignition.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.Event;
import io.ignition.core.Subscriber;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Churning subscribers on shared channels while a publisher publishes: stable subscribers must see
 * every event of their channel once and in order, and the registry must end with exactly the
 * subscriptions its callers believe they hold.
 */
class InMemoryChannelRegistryConcurrencyTest {
  private static final int CHURNERS = 4;
  private static final int SUBSCRIBERS_PER_CHURNER = 3;
  private static final int EVENTS = 20_000;
  private static final int MIN_CHURN_ROUNDS = 2_000;
  /** Channels c0 to c2 of each app have a stable subscriber; c3 has churners only. */
  private static final List<Target> TARGETS = targets();
  private static final int STABLE_TARGETS = 6;

  private final ChannelRegistry registry = new InMemoryChannelRegistry();
  private final ExecutorService pool = Executors.newFixedThreadPool(CHURNERS + 1);
  private final AtomicBoolean publishing = new AtomicBoolean(true);
  private final CyclicBarrier start = new CyclicBarrier(CHURNERS + 1);

  private record Target(String app, String channel) {}

  /** A subscriber that ignores events; one instance per churned identity. */
  private static final class Churned implements Subscriber {
    @Override
    public void deliver(Event event) {}
  }

  private static List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    for (String channel : List.of("c0", "c1", "c2", "c3")) {
      for (String app : List.of("acme", "globex")) {
        targets.add(new Target(app, channel));
      }
    }
    return List.copyOf(targets);
  }

  private static boolean stable(Target target) {
    return !target.channel().equals("c3");
  }

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @RepeatedTest(5)
  void publish_whileSubscribersChurn_reachesStableSubscribersOnceInOrder() throws Exception {
    Map<Target, RecordingSubscriber> stableSubscribers = subscribeStable();
    List<Future<Map<Subscriber, Set<Target>>>> churners = new ArrayList<>();
    for (int i = 0; i < CHURNERS; i++) {
      churners.add(pool.submit(churner(i)));
    }

    Map<Target, List<String>> published = pool.submit(this::publishAll).get(30, TimeUnit.SECONDS);
    Map<Subscriber, Set<Target>> held = new HashMap<>();
    for (Future<Map<Subscriber, Set<Target>>> churner : churners) {
      held.putAll(churner.get(30, TimeUnit.SECONDS));
    }

    long expectedSubscriptions = 0;
    for (Target target : TARGETS) {
      if (stable(target)) {
        assertThat(stableSubscribers.get(target).events()).extracting(Event::data)
            .as("events of %s", target).containsExactlyElementsOf(published.get(target));
      }
      assertThat(registry.subscriberCount(target.app(), target.channel()))
          .as("subscribers of %s", target).isEqualTo(expectedCount(target, held));
      expectedSubscriptions += expectedCount(target, held);
    }
    assertThat(registry.subscriptionCount()).isEqualTo(expectedSubscriptions);
    unsubscribeConcurrently(held);
    assertThat(registry.channelCount()).isEqualTo(STABLE_TARGETS);
    assertThat(registry.subscriptionCount()).isEqualTo(STABLE_TARGETS);
    stableSubscribers.forEach((t, s) -> registry.unsubscribe(t.app(), t.channel(), s));
    assertThat(registry.channelCount()).isZero();
    assertThat(registry.subscriptionCount()).isZero();
  }

  private Map<Target, RecordingSubscriber> subscribeStable() {
    Map<Target, RecordingSubscriber> subscribers = new HashMap<>();
    for (Target target : TARGETS) {
      if (stable(target)) {
        RecordingSubscriber subscriber = new RecordingSubscriber();
        registry.subscribe(target.app(), target.channel(), subscriber);
        subscribers.put(target, subscriber);
      }
    }
    return subscribers;
  }

  /** Publishes numbered events round-robin over every target; returns the numbers per target. */
  private Map<Target, List<String>> publishAll() throws Exception {
    Map<Target, List<String>> published = new HashMap<>();
    start.await(10, TimeUnit.SECONDS);
    try {
      for (int i = 0; i < EVENTS; i++) {
        Target target = TARGETS.get(i % TARGETS.size());
        String data = Integer.toString(i);
        registry.publish(new Event(target.app(), target.channel(), "n", data, null));
        published.computeIfAbsent(target, t -> new ArrayList<>()).add(data);
      }
    } finally {
      publishing.set(false);
    }
    return published;
  }

  /** Subscribes and unsubscribes its own subscribers at random; returns what each still holds. */
  private Callable<Map<Subscriber, Set<Target>>> churner(long seed) {
    return () -> {
      Random random = new Random(seed);
      Map<Subscriber, Set<Target>> held = new HashMap<>();
      List<Subscriber> own = new ArrayList<>();
      for (int i = 0; i < SUBSCRIBERS_PER_CHURNER; i++) {
        own.add(new Churned());
        held.put(own.get(i), new HashSet<>());
      }
      start.await(10, TimeUnit.SECONDS);
      for (int round = 0; publishing.get() || round < MIN_CHURN_ROUNDS; round++) {
        Subscriber subscriber = own.get(random.nextInt(own.size()));
        Target target = TARGETS.get(random.nextInt(TARGETS.size()));
        if (random.nextBoolean()) {
          registry.subscribe(target.app(), target.channel(), subscriber);
          held.get(subscriber).add(target);
        } else {
          registry.unsubscribe(target.app(), target.channel(), subscriber);
          held.get(subscriber).remove(target);
        }
      }
      return held;
    };
  }

  private static int expectedCount(Target target, Map<Subscriber, Set<Target>> held) {
    int count = stable(target) ? 1 : 0;
    for (Set<Target> targets : held.values()) {
      count += targets.contains(target) ? 1 : 0;
    }
    return count;
  }

  /** Has every churned subscriber leave everything it holds, all at once from several threads. */
  private void unsubscribeConcurrently(Map<Subscriber, Set<Target>> held) throws Exception {
    CyclicBarrier together = new CyclicBarrier(held.size());
    ExecutorService leaving = Executors.newFixedThreadPool(held.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      held.forEach((subscriber, targets) -> done.add(leaving.submit(() -> {
        together.await(10, TimeUnit.SECONDS);
        targets.forEach(t -> registry.unsubscribe(t.app(), t.channel(), subscriber));
        return null;
      })));
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      leaving.shutdownNow();
    }
  }
}
