package io.ignition.bench;

import com.google.gson.GsonBuilder;
import io.ignition.bench.load.LoadResult;
import io.ignition.bench.load.LoadRun;
import io.ignition.bench.load.LoadSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code load}: real subscribers and publishers against a server, measured end to end. */
@Command(name = "load", mixinStandardHelpOptions = true, version = Main.VERSION,
    description = {"Opens N WebSocket subscribers spread over K channels and P publishers, "
          + "publishes S-byte events at a rate or flat out through a warm-up and a measured "
          + "window, "
          + "and reports deliveries/s, publishes/s, lost deliveries, latency percentiles "
          + "(receive time minus the send time stamped in each event), connect time, errors, the "
          + "server's CPU per delivery (with --server-pid or --spawn-server) and how busy the "
          + "tool's own threads were.",
        "Progress lines go to standard error; the result to standard output."},
    footer = {"%nExamples:",
        "  java -jar ignition-bench.jar load --spawn-server -n 1000 -k 1 -p 1",
        "  java -jar ignition-bench.jar load --spawn-server -n 100 --rate 200 --duration 30",
        "  java -jar ignition-bench.jar load --url ws://10.0.0.5:4000 --key KEY -n 1000 -k 100 "
              + "-p 10 --json"})
final class LoadCommand implements Callable<Integer> {
  /** The longest warm-up, duration or drain: a day. */
  private static final long MAX_SECONDS = 86_400;

  @Mixin
  ServerOptions server;

  @Option(names = {"-n", "--subscribers"}, defaultValue = "1000",
      description = "Subscriber connections. Default: ${DEFAULT-VALUE}.")
  int subscribers;

  @Option(names = {"-k", "--channels"}, defaultValue = "1",
      description = "Channels the subscribers are spread over. Default: ${DEFAULT-VALUE}.")
  int channels;

  @Option(names = {"-p", "--publishers"}, defaultValue = "1",
      description = "Publisher connections; each walks every channel in turn. "
          + "Default: ${DEFAULT-VALUE}.")
  int publishers;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "EMITS_PER_SECOND",
      description = "Total emits per second over all publishers; 0 publishes as fast as the "
          + "server takes them (flow-controlled by --window). Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = {"-s", "--payload"}, defaultValue = "100", paramLabel = "BYTES",
      description = "Size of each event's data in bytes of JSON, at least 48. "
          + "Default: ${DEFAULT-VALUE}.")
  int payloadBytes;

  @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS",
      description = "Publishing before measuring. Default: ${DEFAULT-VALUE}.")
  double warmupSeconds;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
      description = "Measured window. Default: ${DEFAULT-VALUE}.")
  double durationSeconds;

  @Option(names = "--threads", defaultValue = "2",
      description = "Receiving threads (selectors) for the subscribers; publishers have one "
          + "more. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--window", defaultValue = "16",
      description = "Flat out: emits a publisher may have unanswered, and events' worth of "
          + "deliveries (window x subscribers) on their way. Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--connect-concurrency", defaultValue = "256",
      description = "Connections opening at once. Default: ${DEFAULT-VALUE}.")
  int connectConcurrency;

  @Option(names = "--drain", defaultValue = "5", paramLabel = "SECONDS",
      description = "After publishing stops, how long to wait with nothing arriving before "
          + "counting what is missing as lost. Default: ${DEFAULT-VALUE}.")
  double drainSeconds;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    // Checks the numbers before a server is spawned for nothing.
    settings(URI.create("ws://127.0.0.1:4000"), "unchecked");
    try (ServerOptions.Server target = server.open(System.err)) {
      LoadSettings settings = settings(target.url(), target.key());
      try (LoadRun run = new LoadRun(settings, target.pid(), target.plan(), System.err)) {
        LoadResult result = target.explainFailure(run::run);
        target.requireNotExiting();

        System.out.print(json ? new GsonBuilder().setPrettyPrinting().create().toJson(result)
            + "\n" : result.text());
        System.out.flush();

        List<String> problems = new ArrayList<>(result.problems());
        String exited = target.exited();
        if (exited != null) {
          problems.add(exited);
        }
        if (!problems.isEmpty()) {
          problems.add(0, "the run had problems, so its figures are not a clean measurement");
        }
        return Main.failIfAny("load", problems);
      }
    }
  }

  private LoadSettings settings(URI url, String key) {
    return new LoadSettings(url, key, subscribers, channels, publishers, rate, payloadBytes,
        seconds("--warmup", warmupSeconds), seconds("--duration", durationSeconds), threads,
        window, connectConcurrency, seconds("--drain", drainSeconds));
  }

  /** Returns {@code seconds} as a duration, refusing what is not a number or over a day. */
  private static Duration seconds(String option, double seconds) {
    if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
      throw new IllegalArgumentException(option + " must be 0 to " + MAX_SECONDS
          + " seconds, was " + seconds);
    }
    return Duration.ofNanos((long) (seconds * 1e9));
  }
}
