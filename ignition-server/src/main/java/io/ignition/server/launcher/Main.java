package io.ignition.server.launcher;

import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.server.IgnitionServer;
import io.ignition.server.cluster.RedisSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar ignition-server.jar}: maps flags and environment variables onto an
 * {@link IgnitionServer}, runs it until SIGTERM or Ctrl-C, then closes it.
 */
@Command(name = "ignition-server", mixinStandardHelpOptions = true,
    version = "Ignition server 0.1.0",
    description = "Real-time event streaming over WebSocket (native protocol at /v1).",
    footer = "%nEvery option can also be set through the environment variable named in it.")
public final class Main implements Callable<Integer> {
  private static final int EXIT_CONFIG = 2;
  private static final int EXIT_BIND = 3;
  private static final String DEDICATED_APP = "dedicated";
  private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn",
      "error");

  @Option(names = "--host", defaultValue = "${env:IGNITION_HOST:-0.0.0.0}",
      description = "Interface to listen on (IGNITION_HOST). Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", defaultValue = "${env:IGNITION_PORT:-4000}",
      description = "WebSocket port, 0 for any free one (IGNITION_PORT). "
          + "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--http-port", defaultValue = "${env:IGNITION_HTTP_PORT:-4001}",
      description = "HTTP API port, 0 for any free one, -1 for none (IGNITION_HTTP_PORT). "
          + "Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--config", defaultValue = "${env:IGNITION_CONFIG}", paramLabel = "FILE",
      description = "JSON file with the apps, their keys, plans and the admin token "
          + "(IGNITION_CONFIG); admin API changes are saved to it. Without it the server makes a "
          + "development app with a random key.")
  @Nullable Path config;

  @Option(names = "--dedicated-token", defaultValue = "${env:IGNITION_DEDICATED_TOKEN}",
      paramLabel = "TOKEN", description = "Dedicated mode: one app, \"dedicated\", that every "
          + "client joins with this token, with no quotas (IGNITION_DEDICATED_TOKEN; prefer it, "
          + "flags show in process lists). Excludes --config.")
  @Nullable String dedicatedToken;

  @Option(names = "--max-frame-bytes", defaultValue = "${env:IGNITION_MAX_FRAME_BYTES:-65536}",
      description = "Largest client message; larger ones close with 1009 "
          + "(IGNITION_MAX_FRAME_BYTES). Default: ${DEFAULT-VALUE}.")
  int maxFrameBytes;

  @Option(names = "--max-channels", defaultValue = "${env:IGNITION_MAX_CHANNELS:-100}",
      description = "Channels one connection may hold (IGNITION_MAX_CHANNELS). "
          + "Default: ${DEFAULT-VALUE}.")
  int maxChannels;

  @Option(names = "--max-queued-bytes", defaultValue = "${env:IGNITION_MAX_QUEUED_BYTES:-1048576}",
      description = "Unsent bytes a connection may have before it is closed with 4008 "
          + "(IGNITION_MAX_QUEUED_BYTES). Default: ${DEFAULT-VALUE}.")
  long maxQueuedBytes;

  @Option(names = "--decoder-threads", defaultValue = "${env:IGNITION_DECODER_THREADS:-0}",
      description = "Threads that decode client messages and run their requests; 0 means one "
          + "per processor (IGNITION_DECODER_THREADS). Default: ${DEFAULT-VALUE}.")
  int decoderThreads;

  @Option(names = "--flush-threads", defaultValue = "${env:IGNITION_FLUSH_THREADS:-0}",
      description = "Threads that write queued frames to sockets; 0 means one per processor "
          + "(IGNITION_FLUSH_THREADS). Default: ${DEFAULT-VALUE}.")
  int flushThreads;

  @Option(names = "--ping-interval", defaultValue = "${env:IGNITION_PING_INTERVAL:-30}",
      paramLabel = "SECONDS", description = "Ping a connection silent this long; 0 turns pings "
          + "and the dead-peer check off (IGNITION_PING_INTERVAL). Default: ${DEFAULT-VALUE}.")
  int pingIntervalSeconds;

  @Option(names = "--ping-timeout", defaultValue = "${env:IGNITION_PING_TIMEOUT:-15}",
      paramLabel = "SECONDS", description = "Cut a pinged connection still silent this much "
          + "later, freeing its subscriptions and plan slot (IGNITION_PING_TIMEOUT). "
          + "Default: ${DEFAULT-VALUE}.")
  int pingTimeoutSeconds;

  @Option(names = "--close-grace", defaultValue = "${env:IGNITION_CLOSE_GRACE:-10}",
      paramLabel = "SECONDS", description = "Time a connection the server closes (4008 slow "
          + "consumer, 4029, protocol errors) has to read the close frame before TCP is cut "
          + "(IGNITION_CLOSE_GRACE). Default: ${DEFAULT-VALUE}.")
  int closeGraceSeconds;

  @Option(names = "--shutdown-grace", defaultValue = "${env:IGNITION_SHUTDOWN_GRACE:-10}",
      paramLabel = "SECONDS", description = "On SIGTERM: time clients get to receive what is "
          + "queued for them and the 1001 close before they are cut off and the process exits 0 "
          + "(IGNITION_SHUTDOWN_GRACE). Default: ${DEFAULT-VALUE}.")
  int shutdownGraceSeconds;

  @Option(names = "--max-connections", defaultValue = "${env:IGNITION_MAX_CONNECTIONS:-100000}",
      description = "TCP connections the WebSocket port holds at once; more are answered 503 "
          + "(IGNITION_MAX_CONNECTIONS). Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--max-connections-per-address",
      defaultValue = "${env:IGNITION_MAX_CONNECTIONS_PER_ADDRESS:-10000}",
      description = "TCP connections one source address holds at once; more are answered 429. "
          + "Raise it behind a proxy (IGNITION_MAX_CONNECTIONS_PER_ADDRESS). "
          + "Default: ${DEFAULT-VALUE}.")
  int maxConnectionsPerAddress;

  @Option(names = "--handshake-timeout", defaultValue = "${env:IGNITION_HANDSHAKE_TIMEOUT:-10}",
      paramLabel = "SECONDS", description = "Time a new connection has to send its whole upgrade "
          + "request (IGNITION_HANDSHAKE_TIMEOUT). Default: ${DEFAULT-VALUE}.")
  int handshakeTimeoutSeconds;

  @Option(names = "--max-handshake-bytes",
      defaultValue = "${env:IGNITION_MAX_HANDSHAKE_BYTES:-16384}",
      description = "Largest upgrade request, headers included (IGNITION_MAX_HANDSHAKE_BYTES). "
          + "Default: ${DEFAULT-VALUE}.")
  int maxHandshakeBytes;

  @Option(names = "--max-handshake-headers",
      defaultValue = "${env:IGNITION_MAX_HANDSHAKE_HEADERS:-100}",
      description = "Most header lines in an upgrade request (IGNITION_MAX_HANDSHAKE_HEADERS). "
          + "Default: ${DEFAULT-VALUE}.")
  int maxHandshakeHeaders;

  @Option(names = "--redis", defaultValue = "${env:IGNITION_REDIS}", paramLabel = "URI",
      description = "Cluster mode: share fan-out and quotas with other nodes through Redis, "
          + "e.g. redis://127.0.0.1:6379 (IGNITION_REDIS). See docs/cluster.md.")
  @Nullable URI redis;

  @Option(names = "--redis-prefix", defaultValue = "${env:IGNITION_REDIS_PREFIX:-ignition:}",
      description = "Prefix of every Redis key and channel (IGNITION_REDIS_PREFIX). "
          + "Default: ${DEFAULT-VALUE}.")
  String redisPrefix;

  @Option(names = "--redis-lease", defaultValue = "${env:IGNITION_REDIS_LEASE:-15}",
      paramLabel = "SECONDS", description = "How long a node's share of connection counts "
          + "outlives it (IGNITION_REDIS_LEASE). Default: ${DEFAULT-VALUE}.")
  int redisLeaseSeconds;

  @Option(names = "--redis-fail-closed", defaultValue = "${env:IGNITION_REDIS_FAIL_CLOSED:-false}",
      description = "While Redis is unreachable, refuse requests of metered plans instead of "
          + "enforcing plans on each node alone (IGNITION_REDIS_FAIL_CLOSED).")
  boolean redisFailClosed;

  @Option(names = "--log-level", defaultValue = "${env:IGNITION_LOG_LEVEL:-info}",
      description = "trace, debug, info, warn or error (IGNITION_LOG_LEVEL). "
          + "Default: ${DEFAULT-VALUE}.")
  String logLevel;

  /** Runs the launcher and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    if (!LOG_LEVELS.contains(logLevel)) {
      System.err.println("ignition-server: --log-level must be one of " + LOG_LEVELS + ", was "
          + logLevel);
      return EXIT_CONFIG;
    }
    configureLogging();
    Logger log = LoggerFactory.getLogger(Main.class);
    String devKey = config == null && dedicatedToken == null ? developmentKey() : null;
    IgnitionServer server;
    try {
      server = configure(log, devKey);
      server.start();
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("ignition-server: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (IOException e) {
      System.err.println("ignition-server: " + e.getMessage());
      return EXIT_BIND;
    }
    log.info("Ignition listening ws=ws://{}:{}/v1 http={} mode={}", host, server.port(),
        httpPort < 0 ? "off" : "http://" + host + ":" + server.httpPort(),
        redis == null ? "single-node" : "cluster redis=" + redis);
    if (devKey != null) {
      announceDevelopmentKey(log, server, devKey);
    }
    awaitShutdown(server, log);
    return 0;
  }

  /**
   * Sets up slf4j-simple before the first logger exists. Java-WebSocket logs every malformed
   * frame a client sends at ERROR with a stack trace, and the JDK's HTTP server logs through
   * java.util.logging in a format of its own: both would let clients flood the operator's log, so
   * they speak only at debug and trace.
   */
  private void configureLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    boolean verbose = logLevel.equals("debug") || logLevel.equals("trace");
    System.setProperty("org.slf4j.simpleLogger.log.org.java_websocket",
        verbose ? "debug" : "off");
    java.util.logging.Logger.getLogger("com.sun.net.httpserver")
        .setLevel(verbose ? java.util.logging.Level.FINE : java.util.logging.Level.OFF);
  }

  private IgnitionServer configure(Logger log, @Nullable String devKey) throws ConfigException {
    IgnitionServer.Builder builder = IgnitionServer.builder()
        .host(host)
        .port(port)
        .httpPort(httpPort)
        .maxFrameBytes(maxFrameBytes)
        .maxChannelsPerConnection(maxChannels)
        .maxQueuedBytes(maxQueuedBytes)
        .pingInterval(Duration.ofSeconds(pingIntervalSeconds))
        .pingTimeout(Duration.ofSeconds(pingTimeoutSeconds))
        .closeGrace(Duration.ofSeconds(closeGraceSeconds))
        .shutdownGrace(Duration.ofSeconds(shutdownGraceSeconds))
        .maxConnections(maxConnections)
        .maxConnectionsPerAddress(maxConnectionsPerAddress)
        .handshakeTimeout(Duration.ofSeconds(handshakeTimeoutSeconds))
        .maxHandshakeBytes(maxHandshakeBytes)
        .maxHandshakeHeaders(maxHandshakeHeaders);
    if (decoderThreads < 0 || flushThreads < 0) {
      throw new IllegalArgumentException("--decoder-threads and --flush-threads must be 0 (one "
          + "per processor) or more, were " + decoderThreads + " and " + flushThreads);
    }
    if (decoderThreads != 0) {
      builder.decoderThreads(decoderThreads);
    }
    if (flushThreads != 0) {
      builder.flushThreads(flushThreads);
    }
    if (redis != null) {
      builder.redis(new RedisSettings(redis, redisPrefix, Duration.ofSeconds(redisLeaseSeconds),
          redisFailClosed));
    }
    if (dedicatedToken != null) {
      dedicate(log, builder, dedicatedToken);
    } else if (config != null) {
      FileKeyStore store = FileKeyStore.load(config);
      builder.keys(store);
      String adminToken = store.adminToken();
      if (adminToken != null) {
        builder.adminToken(adminToken);
      }
      log.info("Loaded config file={} apps={} admin={}", config, store.apps().size(),
          adminToken != null ? "on" : "off");
    } else if (devKey != null) {
      builder.app("dev", Plan.PRO, devKey);
    }
    return builder.build();
  }

  /** Serves one app that every client joins with the token, counting no quota at all. */
  private void dedicate(Logger log, IgnitionServer.Builder builder, String token)
      throws ConfigException {
    if (config != null) {
      throw new ConfigException("--dedicated-token and --config exclude each other: dedicated "
          + "mode serves one app with no plans; drop one of them (or unset IGNITION_CONFIG or "
          + "IGNITION_DEDICATED_TOKEN)");
    }
    if (token.isBlank()) {
      throw new ConfigException("--dedicated-token must not be blank");
    }
    builder.app(DEDICATED_APP, Plan.ENTERPRISE, token).quotas(QuotaPolicy.unlimited());
    log.info("Dedicated mode: one app \"{}\", no quotas", DEDICATED_APP);
  }

  private void announceDevelopmentKey(Logger log, IgnitionServer server, String key) {
    String wsHost = host.equals("0.0.0.0") ? "localhost" : host;
    log.warn("No --config given: serving a development app \"dev\" with a random key. "
        + "It changes on every start; do not use it in production.");
    log.info("Development key: {}", key);
    log.info("Try it: java -jar ignition-client-java/target/ignition-client.jar "
        + "--url ws://{}:{} --key {} subscribe news", wsHost, server.port(), key);
    if (httpPort >= 0) {
      log.info("Then publish: curl -X POST -H 'Authorization: Bearer {}' "
          + "-d '{\"channel\":\"news\",\"event\":\"update\",\"data\":\"hello\"}' "
          + "http://{}:{}/v1/publish", key, wsHost, server.httpPort());
    }
  }

  private static String developmentKey() {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return "dev-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /**
   * Serves until SIGTERM or Ctrl-C, then shuts the server down gracefully and ends the JVM with
   * status 0. The JVM would otherwise end a process stopped by a signal with 128 + the signal's
   * number (143 for SIGTERM), which process managers read as a failure; a shutdown hook cannot
   * call System.exit, so the hook halts with 0 once the server is closed (other shutdown hooks
   * would be cut short; the launcher registers none).
   */
  private void awaitShutdown(IgnitionServer server, Logger log) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down graceSeconds={}", shutdownGraceSeconds);
      long start = System.nanoTime();
      server.close();
      log.info("Stopped tookMillis={}", (System.nanoTime() - start) / 1_000_000);
      System.out.flush();
      System.err.flush();
      stopped.countDown();
      Runtime.getRuntime().halt(0);
    }, "ignition-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
