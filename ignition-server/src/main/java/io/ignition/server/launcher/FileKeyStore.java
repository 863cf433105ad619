package io.ignition.server.launcher;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.ignition.core.App;
import io.ignition.core.KeyStore;
import io.ignition.core.Plan;
import io.ignition.core.internal.InMemoryKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyStore} kept in the server's JSON config file (the format of {@link ConfigFile}): it
 * loads the plans, apps and keys from the file and saves every change made through it back to the
 * file, so that created keys, revoked keys and plan changes survive a restart.
 *
 * <p>A save replaces the file atomically (a temporary file in the same directory, forced to disk,
 * then renamed over the file), so a crash at any moment leaves the old content or the new one.
 * The admin token, the plans and any other section are written back as they were loaded; the file
 * stays pretty-printed JSON. A change that cannot be saved throws {@link UncheckedIOException} and
 * changes nothing; the file's directory must be writable for changes to succeed.
 *
 * <p>Thread-safe. Lookups read memory and take no lock; changes and reloads run one at a time, so
 * concurrent changes never lose each other's writes.
 *
 * <p><b>Beware:</b> saves rewrite the file from what was last loaded. After editing the file by
 * hand, {@link #reload()} before making changes through the store, or they overwrite the edit.
 */
public final class FileKeyStore implements KeyStore {
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private final Path path;
  private final @Nullable String adminToken;
  private final Object lock = new Object();
  /** What lookups read; replaced whole by a reload, changed in place by the other changes. */
  private volatile InMemoryKeyStore store;

  /** The file's JSON as last loaded or saved; a save edits a copy and keeps it once written. */
  @GuardedBy("lock")
  private JsonObject document;

  private FileKeyStore(Path path, Loaded loaded) {
    ConfigFile config = loaded.config();
    this.path = path;
    this.adminToken = config.adminToken();
    this.store = new InMemoryKeyStore(config.plans().values(), config.apps(),
        config.appsByKey());
    this.document = loaded.document();
  }

  /**
   * Loads the store from a config file.
   *
   * @throws IOException when the file cannot be read or is invalid; the message names the file,
   *     the location in it and the rule broken
   */
  public static FileKeyStore open(Path path) throws IOException {
    try {
      return load(path);
    } catch (ConfigException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Loads the store, reporting problems the way the launcher does. */
  static FileKeyStore load(Path path) throws ConfigException {
    return new FileKeyStore(path, Loaded.read(path));
  }

  /** Returns the file the store reads and writes. */
  public Path path() {
    return path;
  }

  /** Returns the file's admin token as it was when the store was opened, or null. */
  @Nullable String adminToken() {
    return adminToken;
  }

  @Override
  public @Nullable App resolve(String apiKey) {
    return store.resolve(apiKey);
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

  /**
   * Creates a key for the app and saves it.
   *
   * @throws NoSuchElementException when there is no such app
   * @throws UncheckedIOException when the file cannot be written; no key is created then
   */
  @Override
  public String createKey(String appId) {
    synchronized (lock) {
      InMemoryKeyStore current = store;
      String key = current.createKey(appId);
      try {
        save(edited -> keysOf(edited, appId).add(key));
      } catch (UncheckedIOException e) {
        current.revokeKey(key);
        throw e;
      }
      return key;
    }
  }

  /**
   * Revokes a key and saves the revocation; an app whose last key goes keeps its entry.
   *
   * @throws UncheckedIOException when the file cannot be written; the key stays valid then
   */
  @Override
  public boolean revokeKey(String apiKey) {
    synchronized (lock) {
      InMemoryKeyStore current = store;
      App app = current.resolve(apiKey);
      if (app == null) {
        return false;
      }
      save(edited -> keysOf(edited, app.id()).remove(new JsonPrimitive(apiKey)));
      return current.revokeKey(apiKey);
    }
  }

  /**
   * Moves the app to one of the store's plans and saves it.
   *
   * @throws NoSuchElementException when there is no such app
   * @throws IllegalArgumentException when the plan is not one of the store's plans
   * @throws UncheckedIOException when the file cannot be written; the plan is unchanged then
   */
  @Override
  public void changePlan(String appId, Plan plan) {
    synchronized (lock) {
      InMemoryKeyStore current = store;
      App app = current.app(appId);
      if (app == null) {
        throw new NoSuchElementException("no app " + appId);
      }
      if (!plan.equals(current.plan(plan.name()))) {
        throw new IllegalArgumentException("not one of the store's plans: " + plan);
      }
      save(edited -> appOf(edited, appId).addProperty("plan", plan.name()));
      app.changePlan(plan);
    }
  }

  /**
   * Re-reads the file. Apps that remain keep their instance, and a changed plan applies to them
   * from their next request; apps and keys no longer in the file stop resolving.
   *
   * @throws IOException when the file cannot be read or is invalid, with the message naming the
   *     file and the location; the store is unchanged then
   */
  @Override
  public void reload() throws IOException {
    synchronized (lock) {
      Loaded loaded;
      try {
        loaded = Loaded.read(path);
      } catch (ConfigException e) {
        throw new IOException(e.getMessage(), e);
      }
      store = keepingApps(store, loaded.config());
      document = loaded.document();
    }
  }

  /** Builds the store for a new file content, reusing the instances of apps that remain. */
  private static InMemoryKeyStore keepingApps(InMemoryKeyStore old, ConfigFile config) {
    Map<String, App> byId = new HashMap<>();
    for (App loaded : config.apps()) {
      App existing = old.app(loaded.id());
      byId.put(loaded.id(), existing != null ? existing : loaded);
    }
    Map<String, App> byKey = new HashMap<>();
    config.appsByKey().forEach((key, loaded) -> byKey.put(key, byId.get(loaded.id())));
    // Everything is checked by now: plans change in place, seen by open connections' next request.
    config.apps().forEach(loaded -> byId.get(loaded.id()).changePlan(loaded.plan()));
    return new InMemoryKeyStore(config.plans().values(), byId.values(), byKey);
  }

  /** Writes an edited copy of the document to the file, and keeps it once it is written. */
  @GuardedBy("lock")
  private void save(Consumer<JsonObject> change) {
    JsonObject edited = document.deepCopy();
    change.accept(edited);
    try {
      AtomicFile.write(path, PRETTY.toJson(edited) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save " + path + ": " + e, e);
    }
    document = edited;
  }

  private static JsonArray keysOf(JsonObject document, String appId) {
    return appOf(document, appId).getAsJsonArray("keys");
  }

  private static JsonObject appOf(JsonObject document, String appId) {
    for (JsonElement app : document.getAsJsonArray("apps")) {
      JsonObject object = app.getAsJsonObject();
      if (object.get("id").getAsString().equals(appId)) {
        return object;
      }
    }
    throw new IllegalStateException("app " + appId + " is in memory but not in the document");
  }

  /** The file as read: checked, and as JSON to write back. */
  private record Loaded(ConfigFile config, JsonObject document) {
    static Loaded read(Path path) throws ConfigException {
      String text = ConfigFile.readText(path);
      ConfigFile config = ConfigFile.parse(path.toString(), text);
      return new Loaded(config, JsonParser.parseString(text).getAsJsonObject());
    }
  }
}
