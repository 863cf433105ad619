package io.ignition.client;

/**
 * {@link Ignition#connect} could not establish a session: the server was unreachable, refused the
 * API key, applied a plan limit, or sent no welcome within the connect timeout.
 */
public final class ConnectFailedException extends IgnitionException {

  private static final long serialVersionUID = 1L;

  private final int closeCode;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param closeCode the WebSocket close code, such as 4001 for a refused key; -1 when the
   *     connection never opened or no close frame arrived
   * @param reason the server's close reason or the network error, possibly empty
   * @param message the full explanation
   */
  public ConnectFailedException(int closeCode, String reason, String message) {
    super(message);
    this.closeCode = closeCode;
    this.reason = reason;
  }

  /** The WebSocket close code, or -1 when the connection never opened. */
  public int closeCode() {
    return closeCode;
  }

  /** The server's close reason or the network error; empty when there was none. */
  public String reason() {
    return reason;
  }
}
