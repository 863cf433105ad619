package io.ignition.core;

import io.ignition.core.internal.InMemoryKeyStore;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The apps, their plans and their API keys, and the changes an operator makes to them.
 *
 * <p>Implementations must be thread-safe. {@link EventHub} puts a bounded, expiring cache in
 * front of {@link #resolve} and clears it after every change it makes through this interface, so
 * a store may be slow to look up (a file, a database).
 */
public interface KeyStore {
  /** Returns the app the key belongs to, or null when the key is unknown or revoked. */
  @Nullable App resolve(String apiKey);

  /** Returns the app with this id, or null. */
  @Nullable App app(String appId);

  /** Returns every app. */
  Collection<App> apps();

  /** Returns the plan with this name, or null; the defaults plus those configured. */
  @Nullable Plan plan(String name);

  /**
   * Creates a new random key for the app and returns it.
   *
   * @throws NoSuchElementException when there is no such app
   */
  String createKey(String appId);

  /** Revokes a key; returns false when it was not known. */
  boolean revokeKey(String apiKey);

  /**
   * Moves the app to another plan; connections see it from their next request.
   *
   * @throws NoSuchElementException when there is no such app
   */
  void changePlan(String appId, Plan plan);

  /**
   * Re-reads the store's source, keeping the identity of apps that remain. Stores without a
   * source do nothing.
   *
   * @throws IOException when the source cannot be read or is invalid; the store is then unchanged
   */
  default void reload() throws IOException {}

  /** Returns an in-memory store with the default plans and these keys; changes are not saved. */
  static KeyStore inMemory(Map<String, App> appsByKey) {
    return new InMemoryKeyStore(List.of(Plan.HOBBY, Plan.PRO, Plan.ENTERPRISE), appsByKey);
  }
}
