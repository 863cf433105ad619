package io.ignition.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class EventTest {
  private static final int THREADS = 4;

  private static Event event() {
    return new Event("acme", "news", "update", "{\"a\":1}", null);
  }

  /**
   * An encoder that counts its runs and returns a new object each time. When given a latch, each
   * run counts it down and waits for it, so that concurrent first calls all run the encoder.
   */
  private static final class CountingEncoder implements Function<Event, Object> {
    final AtomicInteger runs = new AtomicInteger();
    private final CountDownLatch inside;

    CountingEncoder() {
      this(new CountDownLatch(0));
    }

    CountingEncoder(CountDownLatch inside) {
      this.inside = inside;
    }

    @Override
    public Object apply(Event event) {
      runs.incrementAndGet();
      inside.countDown();
      awaitQuietly(inside);
      return new Object();
    }
  }

  @Test
  void encoded_sameEncoderTwice_computesOnceAndReturnsSameInstance() {
    Event event = event();
    CountingEncoder encoder = new CountingEncoder();

    Object first = event.encoded(encoder);
    Object second = event.encoded(encoder);

    assertThat(second).isSameAs(first);
    assertThat(encoder.runs).hasValue(1);
  }

  @Test
  void encoded_differentEncoders_eachGetTheirOwnValue() {
    Event event = event();
    Function<Event, String> channel = e -> "channel:" + e.channel();
    Function<Event, String> name = e -> "name:" + e.name();
    Function<Event, Integer> length = e -> e.data().length();

    String channelFirst = event.encoded(channel);
    String nameFirst = event.encoded(name);
    Integer lengthFirst = event.encoded(length);

    assertThat(channelFirst).isEqualTo("channel:news");
    assertThat(nameFirst).isEqualTo("name:update");
    assertThat(lengthFirst).isEqualTo(7);
    assertThat(event.encoded(channel)).isSameAs(channelFirst);
    assertThat(event.encoded(name)).isSameAs(nameFirst);
    assertThat(event.encoded(length)).isSameAs(lengthFirst);
  }

  @Test
  void encoded_sameEncoderOnOtherEvent_computesAgain() {
    CountingEncoder encoder = new CountingEncoder();

    Object first = event().encoded(encoder);
    Object second = event().encoded(encoder);

    assertThat(second).isNotSameAs(first);
    assertThat(encoder.runs).hasValue(2);
  }

  @Test
  void encoded_encoderReturnsNull_throwsAndCachesNothing() {
    Event event = event();
    CountingEncoder encoder = new CountingEncoder();

    assertThatThrownBy(() -> event.encoded(e -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("encoder returned null");
    Object value = event.encoded(encoder);

    assertThat(event.encoded(encoder)).isSameAs(value);
  }

  @RepeatedTest(10)
  void encoded_concurrentFirstUse_givesEveryCallerOneInstance() throws Exception {
    Event event = event();
    CountingEncoder encoder = new CountingEncoder(new CountDownLatch(THREADS));

    List<Object> results = runConcurrently(i -> event.encoded(encoder));

    // The latch made every thread run the encoder; only one value may win.
    assertThat(encoder.runs).hasValue(THREADS);
    assertThat(results).hasSize(THREADS).allSatisfy(r -> assertThat(r).isSameAs(results.get(0)));
    assertThat(event.encoded(encoder)).isSameAs(results.get(0));
    assertThat(encoder.runs).hasValue(THREADS);
  }

  @RepeatedTest(10)
  void encoded_concurrentDifferentEncoders_keepsEveryValue() throws Exception {
    Event event = event();
    CountDownLatch allInside = new CountDownLatch(THREADS);
    List<CountingEncoder> encoders = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      encoders.add(new CountingEncoder(allInside));
    }

    List<Object> results = runConcurrently(i -> event.encoded(encoders.get(i)));

    assertThat(results).doesNotHaveDuplicates();
    for (int i = 0; i < THREADS; i++) {
      assertThat(event.encoded(encoders.get(i))).isSameAs(results.get(i));
      assertThat(encoders.get(i).runs).hasValue(1);
    }
  }

  /** Runs the task on THREADS threads released together; returns their results by thread index. */
  private static List<Object> runConcurrently(IntFunction<Object> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          start.await();
          return task.apply(index);
        }));
      }
      start.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<Object> future : futures) {
        results.add(future.get(10, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("all threads inside the encoder").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
