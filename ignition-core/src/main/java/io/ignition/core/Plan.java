package io.ignition.core;

import java.util.Objects;

/**
 * A plan an app is sold on: how many requests it may make a day and how many connections it may
 * hold open at once. {@link #UNLIMITED} lifts either limit.
 *
 * @param name the plan's name as configured, such as {@code hobby}
 * @param dailyRequests requests admitted per UTC day, or {@link #UNLIMITED}
 * @param connections concurrent connections admitted, or {@link #UNLIMITED}
 */
public record Plan(String name, long dailyRequests, int connections) {
  /** The limit value that means "no limit". */
  public static final int UNLIMITED = -1;

  /** 100 requests a day, 10 connections. */
  public static final Plan HOBBY = new Plan("hobby", 100, 10);

  /** 10,000 requests a day, 500 connections. */
  public static final Plan PRO = new Plan("pro", 10_000, 500);

  /** No limits, and no quota bookkeeping on the hot path. */
  public static final Plan ENTERPRISE = new Plan("enterprise", UNLIMITED, UNLIMITED);

  /**
   * Checks the plan's values.
   *
   * @throws IllegalArgumentException for a blank name or a limit below {@link #UNLIMITED}
   */
  public Plan {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("plan name must not be blank");
    }
    if (dailyRequests < UNLIMITED || connections < UNLIMITED) {
      throw new IllegalArgumentException("plan limits must be -1 (unlimited) or at least 0, was "
          + "dailyRequests=" + dailyRequests + " connections=" + connections);
    }
  }

  /** Returns whether neither limit applies, so the plan needs no quota bookkeeping. */
  public boolean unlimited() {
    return dailyRequests == UNLIMITED && connections == UNLIMITED;
  }
}
