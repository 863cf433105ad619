package io.ignition.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ignition.core.App;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Puts a bounded, expiring cache in front of a {@link KeyStore}'s key lookups, unknown keys
 * included, and clears it after every change made through it. Changes made to the store behind
 * its back show after the expiry at the latest. Thread-safe.
 */
public final class CachingKeyStore implements KeyStore {
  private static final long MAX_KEYS = 100_000;
  private static final Duration EXPIRY = Duration.ofMinutes(1);

  private final KeyStore store;
  private final Cache<String, Optional<App>> cache =
      Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(EXPIRY).build();

  public CachingKeyStore(KeyStore store) {
    this.store = store;
  }

  @Override
  public @Nullable App resolve(String apiKey) {
    return cache.get(apiKey, key -> Optional.ofNullable(store.resolve(key))).orElse(null);
  }

  @Override
  public @Nullable App app(String appId) {
    return store.app(appId);
  }

  @Override
  public Collection<App> apps() {
    return store.apps();
  }

  @Override
  public @Nullable Plan plan(String name) {
    return store.plan(name);
  }

  @Override
  public String createKey(String appId) {
    try {
      return store.createKey(appId);
    } finally {
      cache.invalidateAll();
    }
  }

  @Override
  public boolean revokeKey(String apiKey) {
    try {
      return store.revokeKey(apiKey);
    } finally {
      cache.invalidateAll();
    }
  }

  @Override
  public void changePlan(String appId, Plan plan) {
    try {
      store.changePlan(appId, plan);
    } finally {
      cache.invalidateAll();
    }
  }

  @Override
  public void reload() throws IOException {
    try {
      store.reload();
    } finally {
      cache.invalidateAll();
    }
  }
}
