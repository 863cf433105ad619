package io.ignition.client;

/**
 * The server answered a request with an error, such as {@code invalid_channel} or
 * {@code too_many_channels}, or reported an error that belongs to no request.
 */
public final class ServerErrorException extends IgnitionException {

  private static final long serialVersionUID = 1L;

  private final String code;
  private final String serverMessage;

  /**
   * Creates the exception.
   *
   * @param code the server's error code, such as {@code invalid_event}
   * @param serverMessage the server's explanation
   * @param context what the client was doing, prefixed to the message
   */
  public ServerErrorException(String code, String serverMessage, String context) {
    super(context + ": " + code + ": " + serverMessage);
    this.code = code;
    this.serverMessage = serverMessage;
  }

  /** The server's error code, such as {@code bad_request} or {@code invalid_channel}. */
  public String code() {
    return code;
  }

  /** The server's human-readable explanation, without the client's context. */
  public String serverMessage() {
    return serverMessage;
  }
}
