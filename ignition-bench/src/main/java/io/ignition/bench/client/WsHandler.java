package io.ignition.bench.client;

/**
 * Hears what one {@link WsConnection} receives. Every method runs on the connection's reactor
 * thread and must not block.
 */
public interface WsHandler {
  /** The upgrade succeeded; the connection may send. */
  default void onOpen(WsConnection connection) {}

  /**
   * One text message arrived. The bytes are valid only during the call: the buffer is reused.
   *
   * @param receivedNanos {@link System#nanoTime} when the read that brought it returned
   */
  void onText(WsConnection connection, byte[] buffer, int offset, int length, long receivedNanos);

  /**
   * The connection ended: the server closed it ({@code code} from its close frame), or it failed
   * (1006, with the reason). Not called after the client's own {@link WsConnection#close}.
   */
  void onClose(WsConnection connection, int code, String reason);
}
