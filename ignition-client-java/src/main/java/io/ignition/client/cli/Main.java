package io.ignition.client.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.ignition.client.ConnectionState;
import io.ignition.client.Ignition;
import io.ignition.client.IgnitionOptions;
import io.ignition.client.Info;
import io.ignition.client.Message;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code ignition-client} command: subscribe and print events, emit one event, or print the
 * app's info. Exit status 0 on success, 1 when the server or network fails the command, 2 for a
 * usage error.
 */
@Command(name = "ignition-client", mixinStandardHelpOptions = true,
    version = "ignition-client 0.1.0",
    description = "Talks to an Ignition server over its native WebSocket protocol.",
    subcommands = {Main.Subscribe.class, Main.Emit.class, Main.ShowInfo.class})
public final class Main implements Callable<Integer> {

  @Option(names = "--url", required = true, paramLabel = "URL",
      description = "The server's WebSocket address, e.g. ws://localhost:4000.")
  @Nullable String url;

  @Option(names = "--key", required = true, paramLabel = "KEY", description = "The API key.")
  @Nullable String key;

  @Option(names = "--encryption-key", paramLabel = "PASSPHRASE",
      description = "End-to-end encryption passphrase, as the JavaScript SDK's encryptionKey.")
  @Nullable String encryptionKey;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Connect and reply timeout in seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Spec
  CommandLine.Model.@Nullable CommandSpec spec;

  private final PrintWriter out;
  private final PrintWriter err;

  private Main(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    // The jar bundles no slf4j binding; without this slf4j warns about it on every run.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs the command with the given streams and returns its exit status. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main(out, err));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      err.println("error: " + e.getMessage());
      return 1;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(requireSpec().commandLine(),
        "Missing command: subscribe, emit or info");
  }

  private CommandLine.Model.CommandSpec requireSpec() {
    if (spec == null) {
      throw new IllegalStateException("picocli did not inject the command spec");
    }
    return spec;
  }

  IgnitionOptions.Builder options() {
    Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
    return IgnitionOptions.builder()
        .url(String.valueOf(url))
        .apiKey(String.valueOf(key))
        .encryptionKey(encryptionKey)
        .connectTimeout(timeout)
        .requestTimeout(timeout)
        .onError(e -> err.println("error: " + e.getMessage()));
  }

  <T> T await(CompletableFuture<T> future) throws InterruptedException, TimeoutException {
    try {
      return future.get(Math.max(1, timeoutSeconds) + 1L, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }

  /** Prints events on the given channels, one line each: channel, event, data as JSON. */
  @Command(name = "subscribe", mixinStandardHelpOptions = true,
      description = "Print events on the channels as they come: CHANNEL EVENT DATA per line.")
  static final class Subscribe implements Callable<Integer> {

    @ParentCommand
    @Nullable Main parent;

    @Parameters(arity = "1..*", paramLabel = "CHANNEL", description = "Channels to subscribe to.")
    List<String> channels = List.of();

    @Option(names = {"-n", "--count"}, paramLabel = "N",
        description = "Exit after N events (default: run until interrupted).")
    int count;

    @Override
    public Integer call() throws Exception {
      Main main = requireParent(parent);
      CountDownLatch done = new CountDownLatch(1);
      AtomicInteger status = new AtomicInteger();
      IgnitionOptions options = main.options()
          .onStateChange(state -> report(main.err, state, status, done))
          .build();
      try (Ignition ignition = Ignition.connect(options)) {
        AtomicInteger seen = new AtomicInteger();
        ignition.onAny(message -> {
          main.out.println(format(message));
          if (count > 0 && seen.incrementAndGet() >= count) {
            done.countDown();
          }
        });
        for (String channel : channels) {
          main.await(ignition.subscribe(channel));
        }
        main.err.println("subscribed to " + String.join(", ", channels));
        awaitUntilDoneOrInterrupted(done);
      }
      return status.get();
    }

    private static void awaitUntilDoneOrInterrupted(CountDownLatch done)
        throws InterruptedException {
      Thread hook = new Thread(done::countDown, "ignition-cli-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        done.await();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
          // The JVM is exiting because of Ctrl-C; the hook has run.
        }
      }
    }

    private static void report(PrintWriter err, ConnectionState state, AtomicInteger status,
        CountDownLatch done) {
      if (state instanceof ConnectionState.Disconnected lost) {
        err.println("disconnected: code " + lost.code() + " " + lost.reason());
        if (!lost.willReconnect()) {
          status.set(1);
          done.countDown();
        }
      } else if (state instanceof ConnectionState.Reconnecting again) {
        err.println("reconnecting in " + again.delay().toMillis() + " ms");
      } else if (state instanceof ConnectionState.Connected) {
        err.println("connected");
      }
    }
  }

  /** Emits one event and exits once the server confirmed it. */
  @Command(name = "emit", mixinStandardHelpOptions = true,
      description = "Emit one event. DATA is sent as JSON when it parses as JSON, else as text.")
  static final class Emit implements Callable<Integer> {

    @ParentCommand
    @Nullable Main parent;

    @Parameters(index = "0", paramLabel = "CHANNEL")
    String channel = "";

    @Parameters(index = "1", paramLabel = "EVENT")
    String event = "";

    @Parameters(index = "2", paramLabel = "DATA")
    String data = "";

    @Override
    public Integer call() throws Exception {
      Main main = requireParent(parent);
      try (Ignition ignition = Ignition.connect(main.options().build())) {
        main.await(ignition.emit(event, channel, parseData(data)));
      }
      return 0;
    }
  }

  /** Prints the app's plan, limits and usage. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Print the app's plan, limits and usage.")
  static final class ShowInfo implements Callable<Integer> {

    @ParentCommand
    @Nullable Main parent;

    @Override
    public Integer call() throws Exception {
      Main main = requireParent(parent);
      try (Ignition ignition = Ignition.connect(main.options().build())) {
        Info info = main.await(ignition.info());
        main.out.println("app: " + info.app());
        main.out.println("plan: " + info.plan());
        main.out.println("limits: dailyRequests=" + info.limits().dailyRequests()
            + " connections=" + info.limits().connections()
            + " maxFrameBytes=" + info.limits().maxFrameBytes()
            + " maxChannels=" + info.limits().maxChannels());
        main.out.println("usage: requestsToday=" + info.usage().requestsToday()
            + " requestsLeft=" + info.usage().requestsLeft()
            + " connections=" + info.usage().connections()
            + " resetAt=" + info.usage().resetAt());
      }
      return 0;
    }
  }

  /** One output line for an event: its data as JSON keeps the line single. */
  static String format(Message message) {
    return message.channel() + " " + message.event() + " " + message.data();
  }

  /** DATA as JSON when it is a complete, strict JSON value; otherwise the text itself. */
  static Object parseData(String data) {
    try (JsonReader reader = new JsonReader(new StringReader(data))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement value = JsonParser.parseReader(reader);
      return reader.peek() == JsonToken.END_DOCUMENT ? value : data;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      return data;
    }
  }

  private static Main requireParent(@Nullable Main parent) {
    if (parent == null) {
      throw new IllegalStateException("picocli did not inject the parent command");
    }
    return parent;
  }
}
