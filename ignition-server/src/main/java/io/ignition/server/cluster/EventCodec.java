package io.ignition.server.cluster;

import io.ignition.core.Event;
import org.jspecify.annotations.Nullable;

/**
 * How events travel between nodes: the Redis channel of an app channel, and the message text,
 * tagged with the publishing node so that it can skip its own events.
 */
final class EventCodec {
  private static final String VERSION = "1";

  private EventCodec() {}

  /** Returns the Redis channel of an app channel; the app's length keeps apps apart. */
  static String channelKey(String prefix, String app, String channel) {
    return prefix + "ch:" + app.length() + ":" + app + ":" + channel;
  }

  static String encode(String nodeId, Event event) {
    return VERSION + "\n" + nodeId + "\n" + event.app() + "\n" + event.channel() + "\n"
        + event.name() + "\n" + event.data();
  }

  /** Returns the event in a message from another node, or null for our own or unreadable ones. */
  static @Nullable Event decode(String nodeId, String message) {
    String[] parts = message.split("\n", 6);
    if (parts.length != 6 || !VERSION.equals(parts[0]) || nodeId.equals(parts[1])) {
      return null;
    }
    return new Event(parts[2], parts[3], parts[4], parts[5], null);
  }
}
