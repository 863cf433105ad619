package io.ignition.core.internal;

/**
 * The body of an HTTP publish, {@code {"channel":..,"event":..,"data":..}}, with {@code data} kept
 * as the raw JSON text it was sent as. Names are checked later, by the hub.
 */
public record PublishRequest(String channel, String event, String data) {
  /**
   * Reads a publish body.
   *
   * @throws IllegalArgumentException with a message for the client when the body is not a JSON
   *     object with string fields {@code channel} and {@code event}
   */
  public static PublishRequest parse(String body) {
    Frame frame;
    try {
      frame = FrameDecoder.decodeBody(body);
    } catch (ProtocolException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (frame.channel() == null) {
      throw new IllegalArgumentException("missing field channel");
    }
    if (frame.event() == null) {
      throw new IllegalArgumentException("missing field event");
    }
    return new PublishRequest(frame.channel(), frame.event(), frame.data());
  }
}
