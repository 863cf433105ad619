package io.ignition.core;

/**
 * The core's side of one connection: a {@link Transport} hands it what the client sends.
 *
 * <p>A transport calls {@link #onText} and {@link #onBinary} from one thread at a time per
 * connection, in the order frames arrived; {@link #onClose} may come from any thread, exactly
 * once or more (later calls do nothing).
 */
public interface Session {
  /** Handles one complete text message from the client. */
  void onText(String text);

  /** Handles one binary message, which the native protocol does not use. */
  void onBinary(int length);

  /** Releases everything the connection held: subscriptions and its quota slot. */
  void onClose();
}
