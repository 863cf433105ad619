package io.ignition.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the API key a client presents to the app it belongs to.
 *
 * <p>Implementations must be thread-safe; the core calls {@link #resolve} once per connection and
 * once per HTTP request.
 */
@FunctionalInterface
public interface KeyResolver {
  /** Returns the app the key belongs to, or null when the key is unknown or revoked. */
  @Nullable App resolve(String apiKey);

  /** Returns a resolver over a fixed map of keys to apps, copied at the call. */
  static KeyResolver of(Map<String, App> appsByKey) {
    Map<String, App> copy = Map.copyOf(appsByKey);
    return copy::get;
  }
}
