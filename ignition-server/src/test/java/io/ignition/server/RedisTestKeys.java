package io.ignition.server;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Cleans up after tests that use the shared Redis: each test deletes only its own keys. */
public final class RedisTestKeys {
  private RedisTestKeys() {}

  /** Deletes every key of the Redis at 127.0.0.1:6379 that starts with {@code prefix}. */
  public static void deleteAll(String prefix) {
    try (RedisClient redis = RedisClient.builder().hostAndPort("127.0.0.1", 6379).build()) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, new ScanParams().match(prefix + "*"));
        page.getResult().forEach(redis::del);
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }
}
