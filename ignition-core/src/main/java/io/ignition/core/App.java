package io.ignition.core;

import java.util.Objects;

/**
 * A tenant of the service. Its channels are its own: channel {@code news} of one app never sees
 * the events of channel {@code news} of another.
 *
 * @param id the app's unique id
 * @param plan the plan that sets its limits
 */
public record App(String id, Plan plan) {
  /**
   * Checks the app's values.
   *
   * @throws IllegalArgumentException for a blank id
   */
  public App {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(plan, "plan");
    if (id.isBlank()) {
      throw new IllegalArgumentException("app id must not be blank");
    }
  }
}
