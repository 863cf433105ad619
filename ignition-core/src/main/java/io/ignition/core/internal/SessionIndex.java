package io.ignition.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The open sessions by the API key they authenticated with, so that revoking a key can close
 * them. Thread-safe.
 */
public final class SessionIndex {
  /** A session the hub can end. */
  public interface Closeable {
    /** Ends the connection with a close code and a reason for the client. */
    void kick(int code, String reason);
  }

  private final ConcurrentHashMap<String, Set<Closeable>> byKey = new ConcurrentHashMap<>();

  public void add(String key, Closeable session) {
    byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(session);
  }

  public void remove(String key, Closeable session) {
    byKey.computeIfPresent(key, (k, sessions) -> {
      sessions.remove(session);
      return sessions.isEmpty() ? null : sessions;
    });
  }

  /** Closes every session of every key the predicate picks; returns how many. */
  public int closeKeys(Predicate<String> gone, int code, String reason) {
    int closed = 0;
    for (String key : byKey.keySet()) {
      if (gone.test(key)) {
        Set<Closeable> sessions = byKey.remove(key);
        if (sessions != null) {
          sessions.forEach(session -> session.kick(code, reason));
          closed += sessions.size();
        }
      }
    }
    return closed;
  }
}
