package io.ignition.server.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Socket.IO packet (protocol 5) a client sent, as {@link SocketIoParser} decoded it. Immutable.
 *
 * @param type the packet type
 * @param attachments binary attachments announced by a {@link Type#BINARY_EVENT} or
 *     {@link Type#BINARY_ACK}, else 0
 * @param namespace the namespace, {@code "/"} when the packet names none
 * @param ackId the acknowledgement id, or {@link #NO_ACK}
 * @param data the JSON payload, or null when the packet has none; for events a non-empty array
 *     whose first element is the event name
 */
record SocketIoPacket(Type type, int attachments, String namespace, long ackId,
    @Nullable JsonElement data) {

  /** The {@link #ackId} of a packet that asks for no acknowledgement. */
  static final long NO_ACK = -1;

  /** Packet types, by their digit on the wire. */
  enum Type {
    CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

    /** Returns the digit that starts a packet of this type. */
    char digit() {
      return (char) ('0' + ordinal());
    }
  }

  SocketIoPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
  }

  /** Returns whether the sender waits for an acknowledgement. */
  boolean wantsAck() {
    return ackId != NO_ACK;
  }

  /** Returns an event's name; only for {@link Type#EVENT} and {@link Type#BINARY_EVENT}. */
  String eventName() {
    return eventArray().get(0).getAsString();
  }

  /** Returns an event's argument at {@code index} (0 is the first after the name), or null. */
  @Nullable JsonElement argument(int index) {
    JsonArray array = eventArray();
    return index + 1 < array.size() ? array.get(index + 1) : null;
  }

  private JsonArray eventArray() {
    if (data == null || !data.isJsonArray()) {
      throw new IllegalStateException("not an event packet: " + type);
    }
    return data.getAsJsonArray();
  }
}
