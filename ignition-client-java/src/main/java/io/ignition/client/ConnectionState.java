package io.ignition.client;

import java.time.Duration;

/**
 * A change in the client's connection, reported to the listeners given to
 * {@link IgnitionOptions.Builder#onStateChange} and {@link Ignition#onStateChange}. Listeners
 * receive changes one at a time, in the order they happened.
 */
public sealed interface ConnectionState {

  /**
   * The server accepted the key and sent its welcome; subscriptions held from before a drop are
   * being restored.
   *
   * @param connectionId the server's id for this connection
   * @param plan the plan of the key's app, such as {@code hobby}
   * @param limits the plan's limits
   */
  record Connected(String connectionId, String plan, Limits limits) implements ConnectionState {}

  /**
   * The connection closed, or an attempt to open it failed for a reason that ends the session.
   *
   * @param code the WebSocket close code: 1001 server going away, 1006 lost without a close
   *     frame, 4001 bad API key, 4008 slow consumer, 4029 plan limit; -1 when the connection
   *     never opened
   * @param reason the server's close reason or the network error, possibly empty
   * @param willReconnect true when the client will try again; false when it has stopped, and
   *     every later operation fails
   */
  record Disconnected(int code, String reason, boolean willReconnect)
      implements ConnectionState {}

  /**
   * The client will try to connect again after {@code delay}.
   *
   * @param attempt the attempt's number since the last successful connection, from 1
   * @param delay the backoff before the attempt starts
   */
  record Reconnecting(int attempt, Duration delay) implements ConnectionState {}

  /** The application called {@link Ignition#close()}; this is the last state reported. */
  record Closed() implements ConnectionState {}
}
