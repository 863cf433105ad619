package io.ignition.server.cluster;

import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Plan;
import io.ignition.core.QuotaPolicy;
import io.ignition.core.Usage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The plans enforced across a cluster, with the same rules as {@link QuotaPolicy#inMemory}: daily
 * counters and connection counts live in Redis and change only through Lua scripts, so they are
 * exact whichever node a request lands on. Thread-safe.
 */
public final class RedisQuotaPolicy implements QuotaPolicy, AutoCloseable {
  /*
   * Design
   *
   * Requests. One counter per app and UTC day; a script refuses at the limit or increments, and
   * sets the key to expire shortly after the day ends.
   *
   * Connections. An app's hash holds, per node, its share of the app's open connections
   * (n:NODE) and when that share's lease ends (l:NODE, by Redis's clock). A node renews its
   * leases every third of their lifetime. The admission script sums the shares whose lease is
   * alive, deletes the others (a killed node stops counting once its lease runs out, and no node
   * wipes another's live share), then refuses at the limit or increments its own share. A
   * release never takes a share below zero. The node also keeps its counts locally and writes
   * them with each renewal, which repairs its share after Redis was lost. Every script touches
   * the one key it is given, so the scripts also run on Redis Cluster.
   *
   * Redis unreachable. Fail-open (the default) enforces each plan on this node alone with an
   * in-memory policy; fail-closed refuses metered requests with "unavailable". Either way the
   * node does not wait on Redis while the bridge reports it down.
   */

  private static final String REQUEST = """
      local n = tonumber(redis.call('GET', KEYS[1]) or '0')
      if n >= tonumber(ARGV[1]) then return -1 end
      n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
      return n
      """;
  /** Sums the live shares of the hash in KEYS[1], dropping those whose lease ran out. */
  private static final String SHARES = """
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local total = 0
      local fields = redis.call('HGETALL', KEYS[1])
      for i = 1, #fields, 2 do
        local field = fields[i]
        if string.sub(field, 1, 2) == 'n:' then
          local node = string.sub(field, 3)
          local lease = tonumber(redis.call('HGET', KEYS[1], 'l:' .. node) or '0')
          if node ~= ARGV[2] and lease < now then
            redis.call('HDEL', KEYS[1], field, 'l:' .. node)
          else
            total = total + tonumber(fields[i + 1])
          end
        end
      end
      """;
  private static final String CONNECT = SHARES + """
      local limit = tonumber(ARGV[1])
      if limit >= 0 and total >= limit then return -1 end
      redis.call('HSET', KEYS[1], 'l:' .. ARGV[2], now + tonumber(ARGV[3]))
      return redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[2], 1)
      """;
  private static final String COUNT = SHARES + "return total\n";
  private static final String RELEASE = """
      local n = tonumber(redis.call('HGET', KEYS[1], 'n:' .. ARGV[1]) or '0')
      if n > 0 then return redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], -1) end
      return 0
      """;
  private static final String RENEW = """
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local lease = now + tonumber(ARGV[3])
      redis.call('HSET', KEYS[1], 'n:' .. ARGV[1], ARGV[2], 'l:' .. ARGV[1], lease)
      return 1
      """;
  private static final long DAY_MILLIS = 86_400_000L;
  private static final long EXPIRY_GRACE_SECONDS = 60;

  private final Bridge bridge;
  private final RedisHealth health;
  private final UnifiedJedis redis;
  private final Clock clock;
  private final QuotaPolicy fallback;
  private final String prefix;
  private final Map<String, AtomicInteger> localOpen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "ignition-redis-lease");
        thread.setDaemon(true);
        return thread;
      });

  /** Creates the policy; {@link #start} takes this node's lease. */
  RedisQuotaPolicy(Bridge bridge, RedisHealth health, Clock clock) {
    this.bridge = bridge;
    this.health = health;
    this.redis = bridge.commands();
    this.clock = clock;
    this.fallback = QuotaPolicy.inMemory(clock);
    this.prefix = bridge.settings().prefix();
  }

  /** Takes this node's lease now and renews it every third of its lifetime. */
  public void start() {
    renewLease();
    long period = Math.max(1, bridge.settings().leaseTtl().toMillis() / 3);
    renewer.scheduleAtFixedRate(this::renewLease, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public Admission admitConnection(App app) {
    int limit = app.plan().connections();
    @Nullable Admission admission = redisUp() ? connectInRedis(app, limit) : null;
    if (admission == null) {
      admission = offline(app, limit == Plan.UNLIMITED || localOpen(app).get() < limit);
    }
    if (admission.admitted()) {
      localOpen(app).incrementAndGet();
    }
    return admission;
  }

  private @Nullable Admission connectInRedis(App app, int limit) {
    try {
      long result = (Long) eval(CONNECT, List.of(connectionsKey(app)),
          List.of(Integer.toString(limit), bridge.nodeId(), leaseMillis()));
      return result < 0 ? Admission.refuse("connection_limit", "app " + app.id()
          + " has reached its plan's limit of " + limit + " connections") : Admission.admit();
    } catch (JedisException e) {
      health.commandFailed(e);
      return null;
    }
  }

  private Admission offline(App app, boolean localRoom) {
    if (bridge.settings().failClosed()) {
      return Admission.refuse("unavailable", "quota service unavailable; try again shortly");
    }
    return localRoom ? Admission.admit() : Admission.refuse("connection_limit", "app "
        + app.id() + " has reached its plan's limit of " + app.plan().connections()
        + " connections");
  }

  @Override
  public void releaseConnection(App app) {
    localOpen(app).updateAndGet(open -> Math.max(0, open - 1));
    if (redisUp()) {
      try {
        eval(RELEASE, List.of(connectionsKey(app)), List.of(bridge.nodeId()));
      } catch (JedisException e) {
        health.commandFailed(e);
      }
    }
  }

  @Override
  public Admission admitRequest(App app) {
    long limit = app.plan().dailyRequests();
    if (limit == Plan.UNLIMITED) {
      return Admission.admit();
    }
    if (redisUp()) {
      long today = today();
      try {
        long count = (Long) eval(REQUEST, List.of(requestsKey(app, today)),
            List.of(Long.toString(limit), Long.toString(expiresAt(today))));
        return count < 0 ? Admission.refuse("quota_exceeded", "daily limit of " + limit
            + " requests reached; the window resets at " + resetAt(today)) : Admission.admit();
      } catch (JedisException e) {
        health.commandFailed(e);
      }
    }
    return bridge.settings().failClosed()
        ? Admission.refuse("unavailable", "quota service unavailable; try again shortly")
        : fallback.admitRequest(app);
  }

  @Override
  public Usage usage(App app) {
    if (!redisUp()) {
      return fallback.usage(app);
    }
    long today = today();
    try {
      String used = redis.get(requestsKey(app, today));
      long requests = used == null ? 0 : Long.parseLong(used);
      long open = (Long) eval(COUNT, List.of(connectionsKey(app)),
          List.of("-1", bridge.nodeId(), leaseMillis()));
      long limit = app.plan().dailyRequests();
      long left = limit == Plan.UNLIMITED ? Plan.UNLIMITED : Math.max(0, limit - requests);
      return new Usage(requests, left, (int) open, resetAt(today));
    } catch (JedisException e) {
      health.commandFailed(e);
      return fallback.usage(app);
    }
  }

  @Override
  public void resetWindow(App app) {
    fallback.resetWindow(app);
    redis.del(requestsKey(app, today()));
  }

  @Override
  public void resetAllWindows() {
    fallback.resetAllWindows();
    if (redis instanceof RedisClusterClient cluster) {
      // SCAN walks one server: walk every primary of the cluster.
      for (ConnectionPool pool : cluster.getClusterNodes().values()) {
        try (Connection connection = pool.getResource(); Jedis node = new Jedis(connection)) {
          deleteWindows(node::scan);
        }
      }
    } else {
      deleteWindows(redis::scan);
    }
  }

  private void deleteWindows(java.util.function.BiFunction<String, ScanParams,
      ScanResult<String>> scan) {
    ScanParams match = new ScanParams().match(prefix + "req:*").count(500);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = scan.apply(cursor, match);
      page.getResult().forEach(redis::del);
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  /** Renews this node's lease on every app it holds connections of, with its exact counts. */
  private void renewLease() {
    try {
      localOpen.forEach((appId, open) -> eval(RENEW, List.of(prefix + "conn:" + appId),
          List.of(bridge.nodeId(), Integer.toString(open.get()), leaseMillis())));
    } catch (RuntimeException e) {
      health.commandFailed(e);
    }
  }

  private String leaseMillis() {
    return Long.toString(bridge.settings().leaseTtl().toMillis());
  }

  /** Runs a script, trying twice: a pooled connection can be stale after Redis restarted. */
  private Object eval(String script, List<String> keys, List<String> args) {
    try {
      return redis.eval(script, keys, args);
    } catch (JedisException e) {
      return redis.eval(script, keys, args);
    }
  }

  private boolean redisUp() {
    return health.up();
  }

  private AtomicInteger localOpen(App app) {
    return localOpen.computeIfAbsent(app.id(), id -> new AtomicInteger());
  }

  private String requestsKey(App app, long day) {
    return prefix + "req:" + app.id() + ":" + day;
  }

  private String connectionsKey(App app) {
    return prefix + "conn:" + app.id();
  }

  private long today() {
    return Math.floorDiv(clock.millis(), DAY_MILLIS);
  }

  private static long expiresAt(long today) {
    return (today + 1) * DAY_MILLIS / 1000 + EXPIRY_GRACE_SECONDS;
  }

  private static Instant resetAt(long today) {
    return Instant.ofEpochMilli((today + 1) * DAY_MILLIS);
  }

  /** Stops renewing the lease; the node's share then expires with it. */
  @Override
  public void close() {
    renewer.shutdownNow();
  }
}
