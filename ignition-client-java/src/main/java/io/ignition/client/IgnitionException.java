package io.ignition.client;

import org.jspecify.annotations.Nullable;

/**
 * An operation of the Ignition client failed: it timed out, the connection was lost before the
 * server replied, the emit buffer was full, or the client is closed. The message says which, and
 * whether the operation may still have taken effect. Subclasses carry more detail.
 */
public class IgnitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message saying what failed and why. */
  public IgnitionException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause, which may be null. */
  public IgnitionException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
