package io.ignition.core.internal;

/**
 * A client frame that the server refuses, answered with an {@code error} frame carrying {@link
 * #code()} and the message.
 *
 * <p>It is a protocol answer, not a bug, so it records no stack trace.
 */
final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final long id;

  /**
   * Creates the answer to a refused frame.
   *
   * @param code the error code sent to the client, such as {@code bad_request}
   * @param message what is wrong, in words fit for the client
   * @param id the frame's {@code id} when it was read before the failure, else 0
   */
  ProtocolException(String code, String message, long id) {
    super(message);
    this.code = code;
    this.id = id;
  }

  /** Returns the error code sent to the client, such as {@code bad_request}. */
  String code() {
    return code;
  }

  /** Returns the failed frame's {@code id}, or 0 when it had none or it was not read. */
  long id() {
    return id;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
