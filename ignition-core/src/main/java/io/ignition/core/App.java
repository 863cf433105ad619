package io.ignition.core;

import java.util.Objects;

/**
 * A tenant of the service: a live handle that every connection of the app shares. Its channels are
 * its own: channel {@code news} of one app never sees the events of channel {@code news} of
 * another.
 *
 * <p>The id is fixed; the plan may change while the app has connections ({@link #changePlan}),
 * and every connection sees the new plan from its next request. A {@link KeyStore} keeps one
 * instance per app id, so apps compare by identity.
 *
 * <p>Thread-safe.
 */
public final class App {
  private final String id;
  private volatile Plan plan;

  /**
   * Creates an app.
   *
   * @throws IllegalArgumentException for a blank id
   */
  public App(String id, Plan plan) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("app id must not be blank");
    }
    this.id = id;
    this.plan = Objects.requireNonNull(plan, "plan");
  }

  /** Returns the app's unique id. */
  public String id() {
    return id;
  }

  /** Returns the plan that sets the app's limits right now. */
  public Plan plan() {
    return plan;
  }

  /** Moves the app to another plan; its limits apply from the app's next request. */
  public void changePlan(Plan plan) {
    this.plan = Objects.requireNonNull(plan, "plan");
  }

  @Override
  public String toString() {
    return "App[id=" + id + ", plan=" + plan.name() + "]";
  }
}
