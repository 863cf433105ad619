package io.ignition.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  @Test
  void execute_onAPool_runsTasksOneAtATimeInSubmissionOrder() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    List<Integer> order = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1000);

    for (int i = 0; i < 1000; i++) {
      int task = i;
      serial.execute(() -> {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        order.add(task);
        running.decrementAndGet();
        done.countDown();
      });
    }

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).isEqualTo(IntStream.range(0, 1000).boxed().collect(Collectors.toList()));
    assertThat(maxRunning).hasValue(1);
  }

  @Test
  void execute_taskThrows_laterTasksStillRun() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    CountDownLatch ran = new CountDownLatch(1);

    serial.execute(() -> {
      throw new IllegalStateException("boom");
    });
    serial.execute(ran::countDown);

    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void execute_delegateShutDown_runsOnTheCallerInsteadOfLosingTheTask() {
    pool.shutdown();
    SerialExecutor serial = new SerialExecutor(pool);
    AtomicInteger ran = new AtomicInteger();

    serial.execute(ran::incrementAndGet);

    assertThat(ran).hasValue(1);
  }
}
