package io.ignition.server.internal;

/**
 * A Socket.IO or Engine.IO packet the server refuses: malformed, or not one a client may send. The
 * message says what is wrong, in words fit for the client.
 *
 * <p>It is a protocol answer, not a bug, so it records no stack trace.
 */
final class SocketIoProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  SocketIoProtocolException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
