package io.ignition.client;

import java.util.Map;
import java.util.Set;

/** What the server's close codes mean to the client, from the protocol's table. */
final class CloseCodes {

  /** Java-WebSocket's code for a connection that never opened. */
  static final int NEVER_OPENED = -1;

  /**
   * Codes after which reconnecting can help: lost connections, a server restarting or going
   * away, overload, and 4008 (this client fell behind). Every other code, such as 4001 (bad key),
   * 4029 (plan limit), 1000 (normal close) or a protocol error, stops the client, because
   * retrying would fail the same way.
   */
  private static final Set<Integer> RETRYABLE =
      Set.of(NEVER_OPENED, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 4008);

  private static final Map<Integer, String> MEANINGS = Map.ofEntries(
      Map.entry(1000, "normal close"),
      Map.entry(1001, "server going away"),
      Map.entry(1002, "protocol violation"),
      Map.entry(1005, "no status"),
      Map.entry(1006, "connection lost"),
      Map.entry(1007, "invalid UTF-8"),
      Map.entry(1009, "frame over the size limit"),
      Map.entry(1011, "server error"),
      Map.entry(4001, "missing, unknown or revoked API key"),
      Map.entry(4008, "slow consumer"),
      Map.entry(4029, "plan limit reached"));

  private CloseCodes() {}

  static boolean retryable(int code) {
    return RETRYABLE.contains(code);
  }

  /** A human-readable account of a close, for exception messages. */
  static String describe(int code, String reason) {
    if (code == NEVER_OPENED) {
      return "connection failed" + (reason.isEmpty() ? "" : ": " + reason);
    }
    String meaning = MEANINGS.getOrDefault(code, "unexpected close");
    return "close code " + code + " (" + meaning + ")" + (reason.isEmpty() ? "" : ": " + reason);
  }
}
