package io.ignition.client;

/** Hears one {@link Transport}'s events, on its I/O thread. */
interface TransportListener {

  /** A text frame arrived. */
  void onText(String text);

  /**
   * The connection closed or could not be opened; called once, last.
   *
   * @param code the close code, 1006 when lost without a close frame, -1 when never opened
   * @param reason the close reason or the network error, possibly empty
   */
  void onClosed(int code, String reason);
}
