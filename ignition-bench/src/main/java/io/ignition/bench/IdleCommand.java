package io.ignition.bench;

import com.google.gson.GsonBuilder;
import io.ignition.bench.load.IdleResult;
import io.ignition.bench.load.IdleRun;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code idle}: many idle connections, and what they cost the server's heap. */
@Command(name = "idle", mixinStandardHelpOptions = true, version = Main.VERSION,
    description = {"Opens N WebSocket connections that only wait, and reports the connect rate "
          + "and, when the server's pid is known (--spawn-server or --server-pid), its used heap "
          + "per connection: jcmd GC.run then GC.heap_info before connecting and with every "
          + "connection open.",
        "Each connection is a socket in this process and one in the server's: mind ulimit -n."},
    footer = {"%nExample:", "  java -jar ignition-bench.jar idle --spawn-server -c 10000"})
final class IdleCommand implements Callable<Integer> {
  @Mixin
  ServerOptions server;

  @Option(names = {"-c", "--connections"}, defaultValue = "10000",
      description = "Connections to open. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = "--threads", defaultValue = "2",
      description = "Client selector threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--connect-concurrency", defaultValue = "256",
      description = "Connections opening at once. Default: ${DEFAULT-VALUE}.")
  int connectConcurrency;

  @Option(names = "--hold", defaultValue = "0", paramLabel = "SECONDS",
      description = "Keep the connections open this long after measuring, to inspect the server "
          + "(jcmd GC.class_histogram, JFR). Default: ${DEFAULT-VALUE}.")
  long holdSeconds;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    // Checks the numbers before a server is spawned for nothing.
    IdleRun.check(connections, threads, connectConcurrency);
    if (holdSeconds < 0) {
      throw new IllegalArgumentException("--hold must be 0 or more seconds, was " + holdSeconds);
    }

    try (ServerOptions.Server target = server.open(System.err);
        IdleRun run = new IdleRun(target.url(), target.key(), connections, threads,
            connectConcurrency, target.pid(), System.err)) {
      IdleResult result = target.explainFailure(run::run);
      target.requireNotExiting();

      System.out.print(json ? new GsonBuilder().setPrettyPrinting().create().toJson(result)
          + "\n" : result.text());
      System.out.flush();
      if (holdSeconds > 0) {
        System.err.println("holding " + result.connect().ready() + " connections for "
            + holdSeconds + " s (server pid " + target.pid() + ")");
        TimeUnit.SECONDS.sleep(holdSeconds);
      }

      target.requireNotExiting();
      return Main.failIfAny("idle", problems(run.problems(), target.exited()));
    }
  }

  /** Returns what kept the connections from holding: failures and closes, a dead server. */
  private static List<String> problems(Map<String, Long> problems, @Nullable String exited) {
    List<String> said = new ArrayList<>();
    if (!problems.isEmpty()) {
      long count = problems.values().stream().mapToLong(Long::longValue).sum();
      said.add(count + " connections failed or were closed " + problems);
    }
    if (exited != null) {
      said.add(exited);
    }
    return said;
  }
}
