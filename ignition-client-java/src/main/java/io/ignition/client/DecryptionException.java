package io.ignition.client;

import org.jspecify.annotations.Nullable;

/**
 * An event arrived whose payload could not be decrypted with the configured encryption key: it
 * was sent with another key, was not encrypted, or is corrupt. The event is not passed to any
 * handler; this exception goes to the error listeners instead.
 */
public final class DecryptionException extends IgnitionException {

  private static final long serialVersionUID = 1L;

  private final String channel;
  private final String event;

  /** Creates the exception for the event {@code event} on {@code channel}. */
  public DecryptionException(String channel, String event, String why,
      @Nullable Throwable cause) {
    super("cannot decrypt event=" + event + " on channel=" + channel + ": " + why, cause);
    this.channel = channel;
    this.event = event;
  }

  /** The channel the undecryptable event arrived on. */
  public String channel() {
    return channel;
  }

  /** The name of the undecryptable event. */
  public String event() {
    return event;
  }
}
