package io.ignition.bench.load;

import io.ignition.bench.client.Reactor;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * One load run: connects the subscribers and publishers, publishes through a warm-up and a
 * measured window while printing a progress line each second, waits for the last deliveries,
 * and returns what it measured. Not thread-safe; run it once.
 */
public final class LoadRun implements AutoCloseable {
  /*
   * Loss is counted from both ends: a publisher counts, for each emit the server acknowledged,
   * as many deliveries as the channel had ready subscribers; subscribers count what arrives.
   * Both sides count only events stamped inside the measured window, so deliveries of warm-up
   * events that arrive late are not mistaken for measured ones. After publishing stops the run
   * waits until every acknowledged delivery has arrived, or until nothing more arrives for the
   * drain time; what is still missing then is lost.
   *
   * The tool's own load is measured per thread with ThreadMXBean: a receive thread busier than
   * SATURATED of the window may have held deliveries back, and the result says so.
   */

  static final double SATURATED = 0.9;
  /** A stall longer than this, in milliseconds, gets a note under the result. */
  private static final double STALL_NOTE_MILLIS = 5;
  private static final long SECOND = 1_000_000_000L;

  private final LoadSettings settings;
  private final @Nullable Long serverPid;
  private final @Nullable String plan;
  private final PrintStream progress;
  private final Problems problems = new Problems();
  private final List<Reactor> receivers = new ArrayList<>();
  private final List<ReceiveStats> receiveStats = new ArrayList<>();
  private final List<SubscriberConn> subscribers = new ArrayList<>();
  private final Reactor publishing = new Reactor("load-publish");
  private final PublisherDriver driver;
  private final List<String> notes = new ArrayList<>();
  private final StallMeter stalls = new StallMeter();
  /** The stall meter's oversleeps over the measured window, once it has ended. */
  private Histogram windowStalls = new Histogram(2);
  /** The measured window's length: the duration, unless the run stopped early. */
  private double measuredSeconds;

  /**
   * Creates a run.
   *
   * @param serverPid the server's process id, to measure its CPU; null when unknown
   * @param plan the server's plan, for the report; null when unknown
   * @param progress where the progress lines go (standard error, so JSON output stays clean)
   */
  public LoadRun(LoadSettings settings, @Nullable Long serverPid, @Nullable String plan,
      PrintStream progress) {
    this.settings = settings;
    this.serverPid = serverPid;
    this.plan = plan;
    this.progress = progress;
    for (int i = 0; i < settings.threads(); i++) {
      receivers.add(new Reactor("load-receive-" + i));
      receiveStats.add(new ReceiveStats());
    }
    this.driver = new PublisherDriver(publishing, receiveStats, settings);
    this.measuredSeconds = settings.duration().toNanos() / 1e9;
  }

  /**
   * Runs the load and returns what it measured.
   *
   * @throws IOException when no subscriber or no publisher could connect
   */
  public LoadResult run() throws IOException, InterruptedException {
    receivers.forEach(Reactor::start);
    publishing.start();
    InetSocketAddress address = ServerAddress.resolve(settings.url());
    LoadResult.Connect connect = connectSubscribers(address);
    connectPublishers(address);

    long base = System.nanoTime();
    long warmup = settings.warmup().toNanos();
    Schedule schedule = new Schedule(base, warmup, warmup + settings.duration().toNanos());
    receiveStats.forEach(stats -> stats.schedule(schedule));
    driver.start(schedule, subscribersByChannel());
    Window window;
    try (StallMeter meter = stalls) {
      meter.start();
      window = monitor(schedule);
    }
    PublisherDriver.Totals totals = drain();
    return result(connect, window, totals);
  }

  private LoadResult.Connect connectSubscribers(InetSocketAddress address)
      throws IOException, InterruptedException {
    int count = settings.subscribers();
    ConnectTracker tracker = new ConnectTracker(count, settings.connectConcurrency(), problems,
        "subscribers", progress, ConnectTracker.STALL_SECONDS);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      tracker.acquire();
      ReceiveStats stats = receiveStats.get(i % receivers.size());
      SubscriberConn subscriber = new SubscriberConn(i % settings.channels(),
          settings.publishers(), stats, tracker, problems);
      subscribers.add(subscriber);
      receivers.get(i % receivers.size()).connect(address, target(), subscriber);
    }
    tracker.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (count > 0 && tracker.readyCount() == 0) {
      throw new IOException("no subscriber could connect: " + problems.connectFailures());
    }
    Histogram ready = tracker.readyNanos();
    return new LoadResult.Connect(tracker.readyCount(), tracker.failedCount(), seconds,
        tracker.readyCount() / Math.max(seconds, 1e-9), millis(ready.getValueAtPercentile(50)),
        millis(ready.getValueAtPercentile(99)), millis(ready.getMaxValue()));
  }

  private void connectPublishers(InetSocketAddress address)
      throws IOException, InterruptedException {
    ConnectTracker tracker = new ConnectTracker(settings.publishers(),
        settings.connectConcurrency(), problems, "publishers", progress,
        ConnectTracker.STALL_SECONDS);
    for (int i = 0; i < settings.publishers(); i++) {
      tracker.acquire();
      PublisherConn publisher =
          new PublisherConn(i, settings.channels(), driver, tracker, problems);
      driver.add(publisher);
      publisher.attach(publishing.connect(address, target(), publisher));
    }
    tracker.await();
    if (tracker.readyCount() == 0) {
      throw new IOException("no publisher could connect: " + publisherFailures());
    }
  }

  private Map<String, Long> publisherFailures() {
    Map<String, Long> failures = new TreeMap<>(problems.connectFailures());
    failures.keySet().removeIf(reason -> !reason.startsWith(PublisherConn.FAILURE_PREFIX));
    return failures;
  }

  private int[] subscribersByChannel() {
    int[] counts = new int[settings.channels()];
    for (int i = 0; i < subscribers.size(); i++) {
      if (subscribers.get(i).ready()) {
        counts[i % settings.channels()]++;
      }
    }
    return counts;
  }

  /**
   * Prints progress each second and samples CPU at the window's start and end; ends the window
   * early when the server has closed every publisher, since nothing more will be published.
   */
  private Window monitor(Schedule schedule) throws InterruptedException {
    Sample runStart = sample();
    Sample start = null;
    Progress last = new Progress(0, 0, 0, 0);
    long nextLine = SECOND;
    while (true) {
      long now = schedule.now();
      // The progress line first: a stop found on the second the warm-up ends is a stop before
      // the window, not one after no time at all.
      if (now >= nextLine) {
        last = printProgress(last, now, schedule);
        nextLine += SECOND;
        if (last.closedPublishers() == settings.publishers()) {
          return stopEarly(start, runStart, now, schedule);
        }
      }
      if (start == null && now >= schedule.measureStart()) {
        start = sample();
        stalls.take();
      }
      if (now >= schedule.measureEnd()) {
        windowStalls = stalls.take();
        return new Window(start == null ? sample() : start, sample());
      }
      long wake = Math.min(nextLine, start == null ? schedule.measureStart()
          : schedule.measureEnd());
      TimeUnit.NANOSECONDS.sleep(Math.max(wake - schedule.now(), 0));
    }
  }

  /** Ends the window when no publisher is left; {@code start} is null before the window. */
  private Window stopEarly(@Nullable Sample start, Sample runStart, long now,
      Schedule schedule) {
    measuredSeconds = start == null ? 0 : (now - schedule.measureStart()) / 1e9;
    notes.add(String.format(Locale.ROOT, "every publisher's connection ended (see closes); the "
        + "run stopped %.1f s in, %s", now / 1e9, start != null
        ? String.format(Locale.ROOT, "after %.1f s of the measured window", measuredSeconds)
        : "before the measured window, so none of these figures is a measurement"));
    windowStalls = stalls.take();
    return new Window(start == null ? runStart : start, sample());
  }

  private Progress printProgress(Progress last, long now, Schedule schedule) {
    PublisherDriver.Totals totals = totalsNow();
    long received = received();
    double seconds = (now - last.atNanos()) / 1e9;
    Histogram interval = new Histogram(ReceiveStats.MAX_LATENCY_NANOS, 3);
    receiveStats.forEach(stats -> interval.add(stats.takeProgress()));
    progress.printf(Locale.ROOT, "%5.1fs %-7s deliveries/s %,9.0f  publishes/s %,8.0f  "
        + "p50 %.2f ms  p99 %.2f ms  on the way %,d  problems %d%n", now / 1e9,
        last.atNanos() < schedule.measureStart() ? "warm-up" : "measure",
        (received - last.received()) / seconds, (totals.acknowledged() - last.acked()) / seconds,
        millis(interval.getValueAtPercentile(50)), millis(interval.getValueAtPercentile(99)),
        // The totals and the count received are read at different moments: never below 0.
        Math.max(0, totals.fanoutSent() - received), problems.total());
    return new Progress(now, received, totals.acknowledged(), totals.closedPublishers());
  }

  /** Waits for acknowledged deliveries to arrive, giving up when none arrive for a while. */
  private PublisherDriver.Totals drain() throws InterruptedException {
    long lastReceived = -1;
    long quietSince = System.nanoTime();
    while (true) {
      PublisherDriver.Totals totals = totalsNow();
      long received = received();
      if (totals.inFlight() == 0 && received >= totals.expected()) {
        return totals;
      }
      if (received != lastReceived) {
        lastReceived = received;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > settings.drain().toNanos()) {
        notes.add("stopped waiting for the last answers and deliveries when none had arrived "
            + "for " + settings.drain().toMillis() + " ms");
        return totals;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private LoadResult result(LoadResult.Connect connect, Window window,
      PublisherDriver.Totals totals) {
    double seconds = measuredSeconds;
    long delivered = 0;
    long outOfOrder = 0;
    Histogram latency = new Histogram(ReceiveStats.MAX_LATENCY_NANOS, 3);
    for (ReceiveStats stats : receiveStats) {
      delivered += stats.receivedMeasured();
      outOfOrder += stats.outOfOrderCount();
      latency.add(stats.takeMeasured());
    }
    // Deliveries of an emit the server never answered arrive unexpected: loss is never below 0.
    LoadResult.Deliveries deliveries = new LoadResult.Deliveries(delivered,
        perSecond(delivered, seconds), totals.expectedMeasured(),
        Math.max(0, totals.expectedMeasured() - delivered), outOfOrder);
    Histogram late = fromPublisher(driver.lateness());
    boolean paced = late.getTotalCount() > 0;
    LoadResult.Publishes publishes = new LoadResult.Publishes(totals.acknowledgedMeasured(),
        perSecond(totals.acknowledgedMeasured(), seconds), totals.refused(), totals.stalled(),
        totals.inFlight(),
        paced ? millis(late.getValueAtPercentile(50)) : null,
        paced ? millis(late.getValueAtPercentile(99)) : null,
        paced ? millis(late.getMaxValue()) : null);
    LoadResult.Errors errors = new LoadResult.Errors(problems.errors(), problems.closes(),
        problems.connectFailures());
    return new LoadResult(config(), connect, deliveries, publishes, latency(latency), errors,
        server(window, delivered), tool(window), List.copyOf(notes));
  }

  private LoadResult.Config config() {
    return new LoadResult.Config(settings.url().toString(), settings.subscribers(),
        settings.channels(), settings.publishers(),
        settings.rate() > 0
            ? BigDecimal.valueOf(settings.rate()).stripTrailingZeros().toPlainString() : "max",
        settings.payloadBytes(), settings.warmup().toNanos() / 1e9, measuredSeconds,
        settings.threads(), plan);
  }

  private static LoadResult.Latency latency(Histogram nanos) {
    return new LoadResult.Latency(nanos.getTotalCount(), millis(nanos.getValueAtPercentile(50)),
        millis(nanos.getValueAtPercentile(90)), millis(nanos.getValueAtPercentile(99)),
        millis(nanos.getValueAtPercentile(99.9)), millis(nanos.getMaxValue()));
  }

  private LoadResult.Server server(Window window, long delivered) {
    if (serverPid == null || window.start().serverCpu() < 0 || window.end().serverCpu() < 0) {
      return new LoadResult.Server(serverPid, null, null, null, null);
    }
    double cpu = (window.end().serverCpu() - window.start().serverCpu()) / 1e9;
    long writes = window.end().serverWrites() - window.start().serverWrites();
    Double writesPerDelivery = delivered == 0 || window.start().serverWrites() < 0 ? null
        : writes / (double) delivered;
    return new LoadResult.Server(serverPid, cpu, cpu / window.wallSeconds(),
        delivered == 0 ? null : cpu * 1e6 / delivered, writesPerDelivery);
  }

  private LoadResult.Tool tool(Window window) {
    List<LoadResult.ThreadLoad> loads = new ArrayList<>();
    boolean saturated = false;
    for (int i = 0; i < receivers.size(); i++) {
      double busy = window.busy(i);
      saturated |= busy > SATURATED;
      loads.add(new LoadResult.ThreadLoad(receivers.get(i).name(), busy * 100));
      if (busy > SATURATED) {
        notes.add(String.format(Locale.ROOT, "receive thread %s was %.0f%% busy: the tool may "
            + "have held deliveries back; run with more --threads", receivers.get(i).name(),
            busy * 100));
      }
    }
    double publisher = window.busy(receivers.size());
    if (publisher > SATURATED) {
      notes.add("the publisher thread was saturated: publishes/s may be the tool's limit");
    }
    double process = (window.end().processCpu() - window.start().processCpu()) / 1e9
        / window.wallSeconds();
    double stallP99 = millis(windowStalls.getValueAtPercentile(99));
    double stallMax = millis(windowStalls.getMaxValue());
    if (stallMax > STALL_NOTE_MILLIS) {
      notes.add(String.format(Locale.ROOT, "the machine stalled threads for up to %.1f ms in the "
          + "window (a thread sleeping 1 ms at a time woke that late): latency beyond that is "
          + "the machine's as much as the server's; compare runs", stallMax));
    }
    return new LoadResult.Tool(loads, new LoadResult.ThreadLoad(publishing.name(),
        publisher * 100), process, saturated || publisher > SATURATED, stallP99, stallMax);
  }

  private Sample sample() {
    long[] threads = new long[receivers.size() + 1];
    for (int i = 0; i < receivers.size(); i++) {
      threads[i] = receivers.get(i).cpuNanos();
    }
    threads[receivers.size()] = publishing.cpuNanos();
    long process = ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new Sample(System.nanoTime(), serverCpu(), serverWrites(), threads, process);
  }

  private long serverCpu() {
    if (serverPid == null) {
      return -1;
    }
    try {
      return ProcCpu.cpuNanos(serverPid);
    } catch (IOException | RuntimeException e) {
      String note = "cannot read the server's CPU time: " + e.getMessage();
      if (!notes.contains(note)) {
        notes.add(note);
      }
      return -1;
    }
  }

  private long serverWrites() {
    if (serverPid == null) {
      return -1;
    }
    try {
      return ProcCpu.writeCalls(serverPid);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private PublisherDriver.Totals totalsNow() {
    return fromPublisher(driver.totals());
  }

  /** Waits for an answer from the publishing thread. */
  private static <T> T fromPublisher(CompletableFuture<T> answer) {
    try {
      return answer.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the publishing thread did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private long received() {
    long sum = 0;
    for (ReceiveStats stats : receiveStats) {
      sum += stats.received();
    }
    return sum;
  }

  private String target() {
    return "/v1?key=" + URLEncoder.encode(settings.key(), StandardCharsets.UTF_8);
  }

  private static double perSecond(long count, double seconds) {
    return seconds > 0 ? count / seconds : 0;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** Drops every connection and stops the threads. */
  @Override
  public void close() {
    publishing.close();
    receivers.forEach(Reactor::close);
  }

  private record Progress(long atNanos, long received, long acked, int closedPublishers) {}

  private record Sample(long wallNanos, long serverCpu, long serverWrites, long[] threadCpu,
      long processCpu) {}

  private record Window(Sample start, Sample end) {
    double wallSeconds() {
      // Never zero: a run stopped at once still divides by it.
      return Math.max(end.wallNanos() - start.wallNanos(), 1) / 1e9;
    }

    double busy(int thread) {
      return (end.threadCpu()[thread] - start.threadCpu()[thread]) / 1e9 / wallSeconds();
    }
  }
}
