package io.ignition.core;

import java.util.Objects;

/**
 * A {@link QuotaPolicy}'s answer to a connection or a request: admitted, or refused with an error
 * code and a message the client can read.
 *
 * @param admitted whether the connection or request may go ahead
 * @param code the protocol error code when refused (such as {@code quota_exceeded}); empty when
 *     admitted
 * @param message why it was refused, for the client; empty when admitted
 */
public record Admission(boolean admitted, String code, String message) {
  private static final Admission ADMITTED = new Admission(true, "", "");

  /** Checks the values. */
  public Admission {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** Returns the shared "admitted" answer. */
  public static Admission admit() {
    return ADMITTED;
  }

  /** Returns a refusal with the given protocol error code and message. */
  public static Admission refuse(String code, String message) {
    if (code.isEmpty()) {
      throw new IllegalArgumentException("a refusal needs an error code");
    }
    return new Admission(false, code, message);
  }
}
