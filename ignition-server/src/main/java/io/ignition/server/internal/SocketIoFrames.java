package io.ignition.server.internal;

import io.ignition.core.Event;
import io.ignition.core.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * Encodes what the server sends to Socket.IO clients: Engine.IO packets, and Socket.IO packets
 * inside Engine.IO message packets (the leading {@code 4}).
 *
 * <p>Events are the hot path. {@link #ROOT_EVENT} renders an event for the root namespace as a
 * complete WebSocket frame once per publish, shared by every root-namespace subscriber, as
 * {@link WsFrames#NATIVE_EVENT} does for native clients. Clients in a named namespace (the form
 * {@code io(url + "/" + key)}) need the namespace in the packet, so they share the UTF-8 payload
 * {@link #EVENT_ARGUMENTS} and each copies it behind its own prefix ({@link #eventFrame}): one
 * copy per delivery, but no encoding.
 */
final class SocketIoFrames {
  /**
   * Event names socket.io-client refuses to receive: an event so named would make it drop the
   * connection, so such events are not delivered to Socket.IO clients.
   */
  static final Set<String> RESERVED_EVENTS = Set.of("connect", "connect_error", "disconnect",
      "disconnecting", "newListener", "removeListener");

  /** Stands for "no frame": the event cannot be delivered to Socket.IO clients. */
  static final byte[] NONE = new byte[0];

  private static final byte[] ROOT_EVENT_HEAD = {'4', '2'};

  /** An event's arguments array, {@code ["name",data]}, as UTF-8; {@link #NONE} if reserved. */
  static final Function<Event, byte[]> EVENT_ARGUMENTS = SocketIoFrames::eventArguments;

  /** An event for the root namespace as a complete WebSocket frame, or {@link #NONE}. */
  static final Function<Event, byte[]> ROOT_EVENT = event -> {
    byte[] arguments = event.encoded(EVENT_ARGUMENTS);
    return arguments.length == 0 ? NONE : WsFrames.text(ROOT_EVENT_HEAD, arguments);
  };

  private SocketIoFrames() {}

  /** Returns the start of an event packet in {@code namespace}: {@code 42} or {@code 42/ns,}. */
  static byte[] eventHead(String namespace) {
    return ("42" + namespacePart(namespace)).getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the event as a frame behind {@code head} (see {@link #eventHead}), or NONE. */
  static byte[] eventFrame(Event event, byte[] head) {
    byte[] arguments = event.encoded(EVENT_ARGUMENTS);
    return arguments.length == 0 ? NONE : WsFrames.text(head, arguments);
  }

  /** Returns the Engine.IO open packet that starts a session. */
  static String open(String sid, Duration pingInterval, Duration pingTimeout, int maxPayload) {
    StringBuilder out = new StringBuilder(128).append("0{\"sid\":");
    Json.quote(out, sid).append(",\"upgrades\":[],\"pingInterval\":")
        .append(pingInterval.toMillis()).append(",\"pingTimeout\":")
        .append(pingTimeout.toMillis()).append(",\"maxPayload\":").append(maxPayload);
    return out.append('}').toString();
  }

  /** Returns the answer to an accepted CONNECT. */
  static String connected(String namespace, String sid) {
    StringBuilder out = new StringBuilder(64).append("40").append(namespacePart(namespace));
    return Json.quote(out.append("{\"sid\":"), sid).append('}').toString();
  }

  /** Returns a CONNECT_ERROR, which fails the client's connection to the namespace. */
  static String connectError(String namespace, String message) {
    StringBuilder out = new StringBuilder(64).append("44").append(namespacePart(namespace));
    return Json.quote(out.append("{\"message\":"), message).append('}').toString();
  }

  /** Returns a DISCONNECT: the server ends the client's connection to the namespace. */
  static String disconnect(String namespace) {
    return "41" + namespacePart(namespace);
  }

  /** Returns an event packet with one argument, given as JSON text. */
  static String event(String namespace, String name, String argumentJson) {
    StringBuilder out = new StringBuilder(16 + name.length() + argumentJson.length());
    out.append("42").append(namespacePart(namespace)).append('[');
    return Json.quote(out, name).append(',').append(argumentJson).append(']').toString();
  }

  /** Returns an acknowledgement with one argument, given as JSON text. */
  static String ack(String namespace, long ackId, String argumentJson) {
    return "43" + namespacePart(namespace) + ackId + "[" + argumentJson + "]";
  }

  /** Returns a JSON string literal. */
  static String quote(String value) {
    return Json.quote(new StringBuilder(value.length() + 2), value).toString();
  }

  private static byte[] eventArguments(Event event) {
    if (RESERVED_EVENTS.contains(event.name())) {
      return NONE;
    }
    StringBuilder out = new StringBuilder(8 + event.name().length() + event.data().length());
    Json.quote(out.append('['), event.name()).append(',').append(event.data()).append(']');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String namespacePart(String namespace) {
    return "/".equals(namespace) ? "" : namespace + ",";
  }
}
