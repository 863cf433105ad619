package io.ignition.core.internal;

import io.ignition.core.App;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyStore} held in memory. Thread-safe: lookups read concurrent maps; changes replace
 * single entries.
 */
public final class InMemoryKeyStore implements KeyStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_BYTES = 24;

  private final Map<String, Plan> plans;
  private final ConcurrentHashMap<String, App> appsByKey = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, App> appsById = new ConcurrentHashMap<>();

  /**
   * Creates a store.
   *
   * @throws IllegalArgumentException when two app instances share an id
   */
  public InMemoryKeyStore(Collection<Plan> plans, Map<String, App> appsByKey) {
    this(plans, List.of(), appsByKey);
  }

  /**
   * Creates a store that also knows apps without keys, such as an app whose keys were all revoked.
   *
   * @throws IllegalArgumentException when two app instances share an id
   */
  public InMemoryKeyStore(Collection<Plan> plans, Collection<App> apps,
      Map<String, App> appsByKey) {
    Map<String, Plan> byName = new LinkedHashMap<>();
    plans.forEach(plan -> byName.put(plan.name(), plan));
    this.plans = Map.copyOf(byName);
    apps.forEach(this::addApp);
    appsByKey.forEach((key, app) -> {
      addApp(app);
      this.appsByKey.put(key, app);
    });
  }

  @Override
  public @Nullable App resolve(String apiKey) {
    return appsByKey.get(apiKey);
  }

  @Override
  public @Nullable App app(String appId) {
    return appsById.get(appId);
  }

  @Override
  public Collection<App> apps() {
    return List.copyOf(appsById.values());
  }

  @Override
  public @Nullable Plan plan(String name) {
    return plans.get(name);
  }

  @Override
  public String createKey(String appId) {
    App app = requireApp(appId);
    while (true) {
      String key = newKey();
      if (appsByKey.putIfAbsent(key, app) == null) {
        return key;
      }
    }
  }

  @Override
  public boolean revokeKey(String apiKey) {
    return appsByKey.remove(apiKey) != null;
  }

  @Override
  public void changePlan(String appId, Plan plan) {
    requireApp(appId).changePlan(plan);
  }

  /** Returns the keys of every app, for stores that save them. */
  public Map<String, App> keys() {
    return Map.copyOf(appsByKey);
  }

  /** Returns the plans by name. */
  public Map<String, Plan> plans() {
    return plans;
  }

  private void addApp(App app) {
    App previous = appsById.putIfAbsent(app.id(), app);
    if (previous != null && previous != app) {
      throw new IllegalArgumentException("two apps share the id " + app.id());
    }
  }

  private App requireApp(String appId) {
    App app = appsById.get(appId);
    if (app == null) {
      throw new NoSuchElementException("no app " + appId);
    }
    return app;
  }

  private static String newKey() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return "ik_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
