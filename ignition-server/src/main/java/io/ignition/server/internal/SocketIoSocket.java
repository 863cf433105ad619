package io.ignition.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Event;
import io.ignition.core.EventHub;
import io.ignition.core.Plan;
import io.ignition.core.Subscriber;
import io.ignition.core.Usage;
import io.ignition.core.internal.Json;
import io.ignition.core.internal.Names;
import io.ignition.core.internal.PublishGate;
import io.ignition.core.internal.SessionIndex;
import io.ignition.core.internal.Wire;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Socket.IO namespace a client connected to: an authenticated connection of an app, the
 * counterpart of {@code NativeSession} for the events the Ignition JavaScript SDK emits.
 *
 * <p>The key is the CONNECT packet's {@code auth.token}, or else the namespace's name without its
 * slash ({@code io(url + "/" + key)}). The client emits:
 *
 * <ul>
 *   <li>{@code JOIN {group_id}} (or the channel name): subscribe; acknowledged with
 *       {@code "joined CHANNEL"} once the subscription is in place;
 *   <li>{@code LEAVE {group_id}} (or the channel name): unsubscribe; acknowledged with
 *       {@code "left CHANNEL"};
 *   <li>{@code MESSAGE {group_id, event_name, message}} (older builds: {@code room, event}): every
 *       other member of the channel, native or Socket.IO, receives {@code event_name} with
 *       {@code message}; acknowledged with {@code "sent"};
 *   <li>{@code INFO {token}}: acknowledged with the app's plan, limits and usage.
 * </ul>
 *
 * <p>Connecting, JOIN, LEAVE and MESSAGE each count as one request, as the native protocol's
 * connect, subscribe, unsubscribe and emit do; INFO does not. Problems are reported with an
 * {@code ERROR} event carrying a readable string. A refused key or a plan limit reached is
 * reported after the namespace connects, since socket.io-client delivers no event before, and is
 * followed by a DISCONNECT of the namespace. Other fields the SDK sends ({@code key}) are ignored.
 *
 * <p>Threads: {@link #onEvent} runs on the session's transport thread, {@link #deliver} on
 * publishers' threads, {@link #release} and {@link #kick} on any. The channel set is concurrent
 * and a subscribe racing a release is settled as in {@code NativeSession}.
 */
final class SocketIoSocket implements Subscriber, SessionIndex.Closeable {
  private static final Logger log = LoggerFactory.getLogger(SocketIoSocket.class);
  private static final int MAX_ECHOED_NAME = 32;

  private final EventHub hub;
  private final EngineIoSession engine;
  private final String namespace;
  private final App app;
  private final String apiKey;
  private final Plan planAtOpen;
  /** The start of this namespace's event packets; null for the root namespace's shared frames. */
  private final byte @Nullable [] eventHead;
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private SocketIoSocket(EventHub hub, EngineIoSession engine, String namespace, App app,
      String apiKey, Plan planAtOpen) {
    this.hub = hub;
    this.engine = engine;
    this.namespace = namespace;
    this.app = app;
    this.apiKey = apiKey;
    this.planAtOpen = planAtOpen;
    this.eventHead = "/".equals(namespace) ? null : SocketIoFrames.eventHead(namespace);
  }

  /**
   * Authenticates and admits a CONNECT to {@code namespace}, and answers it. A refused key or plan
   * limit is answered with the connect, an ERROR event and a DISCONNECT.
   *
   * @param auth the CONNECT packet's payload, or null
   */
  static void connect(EventHub hub, EngineIoSession engine, String namespace, String sid,
      @Nullable JsonElement auth) {
    String apiKey = keyOf(namespace, auth);
    App app = hub.authenticate(apiKey);
    if (app == null || apiKey == null) {
      hub.observer().connectionRefused("bad_key");
      refuse(engine, namespace, sid, apiKey == null || apiKey.isEmpty()
          ? "missing API key: connect with io(url, { auth: { token: KEY } })"
              + " or io(url + \"/\" + KEY)"
          : "unknown or revoked API key");
      return;
    }
    Plan plan = app.plan();
    Admission slot = hub.quotas().admitConnection(app);
    if (!slot.admitted()) {
      hub.observer().connectionRefused(slot.code());
      refuse(engine, namespace, sid, slot.message());
      return;
    }
    SocketIoSocket socket = new SocketIoSocket(hub, engine, namespace, app, apiKey, plan);
    hub.observer().connectionOpened(app, plan);
    hub.sessions().add(apiKey, socket);
    if (!engine.add(socket)) {
      return;
    }
    engine.link().send(SocketIoFrames.connected(namespace, sid));
    socket.admit();
  }

  private static @Nullable String keyOf(String namespace, @Nullable JsonElement auth) {
    if (auth != null && auth.isJsonObject()) {
      JsonElement token = auth.getAsJsonObject().get("token");
      if (isString(token) && !token.getAsString().isEmpty()) {
        return token.getAsString();
      }
    }
    return "/".equals(namespace) ? null : namespace.substring(1);
  }

  private static void refuse(EngineIoSession engine, String namespace, String sid,
      String message) {
    EngineIoSession.Link link = engine.link();
    link.send(SocketIoFrames.connected(namespace, sid));
    link.send(SocketIoFrames.event(namespace, "ERROR", SocketIoFrames.quote(message)));
    link.send(SocketIoFrames.disconnect(namespace));
  }

  /** Returns the namespace, such as {@code "/"} or {@code "/KEY"}. */
  String namespace() {
    return namespace;
  }

  /** Handles an event the client emitted to this namespace. */
  void onEvent(SocketIoPacket packet) {
    if (closed.get()) {
      return;
    }
    String name = packet.eventName();
    switch (name) {
      case "JOIN" -> join(packet);
      case "LEAVE" -> leave(packet);
      case "MESSAGE" -> message(packet);
      case "INFO" -> info(packet);
      default -> {
        error("unknown event " + shorten(name) + "; the server handles JOIN, LEAVE, MESSAGE and"
            + " INFO");
        return;
      }
    }
    hub.observer().operation(switch (name) {
      case "JOIN" -> "subscribe";
      case "LEAVE" -> "unsubscribe";
      case "MESSAGE" -> "emit";
      default -> "info";
    });
  }

  @Override
  public void deliver(Event event) {
    if (event.origin() == this || closed.get()) {
      return;
    }
    byte[] frame = eventHead == null ? event.encoded(SocketIoFrames.ROOT_EVENT)
        : SocketIoFrames.eventFrame(event, eventHead);
    if (frame.length == 0) {
      log.debug("event name reserved by Socket.IO not delivered id={} event={}",
          engine.link().id(), event.name());
      return;
    }
    engine.link().sendFrame(frame);
  }

  @Override
  public void kick(int code, String reason) {
    end(reason);
  }

  /** Reports a problem to the client with an ERROR event. */
  void error(String message) {
    engine.link().send(SocketIoFrames.event(namespace, "ERROR", SocketIoFrames.quote(message)));
  }

  /**
   * Releases what the namespace held, once: subscriptions, the session index entry, the quota
   * slot.
   *
   * @return whether this call released it
   */
  boolean release() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    hub.sessions().remove(apiKey, this);
    for (String channel : channels) {
      hub.registry().unsubscribe(app.id(), channel, this);
    }
    channels.clear();
    hub.quotas().releaseConnection(app);
    hub.observer().connectionClosed(app, planAtOpen);
    return true;
  }

  /** Ends the namespace from the server's side: ERROR with the reason, then DISCONNECT. */
  private void end(String reason) {
    if (release()) {
      engine.forget(this);
      error(reason);
      engine.link().send(SocketIoFrames.disconnect(namespace));
    }
  }

  private void join(SocketIoPacket packet) {
    String channel = channelOf(packet.argument(0), "JOIN");
    if (channel == null) {
      return;
    }
    if (!channels.contains(channel) && channels.size() >= hub.maxChannelsPerConnection()) {
      error("a connection may hold at most " + hub.maxChannelsPerConnection() + " channels");
      return;
    }
    if (!admit()) {
      return;
    }
    channels.add(channel);
    hub.registry().subscribe(app.id(), channel, this).whenComplete((ignored, failure) -> {
      if (failure != null) {
        channels.remove(channel);
        hub.registry().unsubscribe(app.id(), channel, this);
        error("joining " + channel + " failed; try again");
      } else if (closed.get()) {
        hub.registry().unsubscribe(app.id(), channel, this);
      } else {
        ack(packet, SocketIoFrames.quote("joined " + channel));
      }
    });
  }

  private void leave(SocketIoPacket packet) {
    String channel = channelOf(packet.argument(0), "LEAVE");
    if (channel == null || !admit()) {
      return;
    }
    channels.remove(channel);
    hub.registry().unsubscribe(app.id(), channel, this);
    ack(packet, SocketIoFrames.quote("left " + channel));
  }

  private void message(SocketIoPacket packet) {
    JsonElement argument = packet.argument(0);
    JsonObject fields = argument != null && argument.isJsonObject()
        ? argument.getAsJsonObject() : new JsonObject();
    String channel = channelOf(fields, "MESSAGE");
    String event = channel == null ? null : eventOf(fields);
    if (channel == null || event == null) {
      return;
    }
    PublishGate gate = hub.publishGate();
    if (!gate.enter()) {
      error("the server is shutting down; reconnect to send");
      return;
    }
    try {
      publish(packet, channel, event, fields.get("message"));
    } finally {
      gate.exit();
    }
  }

  /** Counts, fans out and acknowledges a MESSAGE that passed validation and the publish gate. */
  private void publish(SocketIoPacket packet, String channel, String event,
      @Nullable JsonElement message) {
    if (!admit()) {
      return;
    }
    String data = message == null ? "null" : Json.write(message);
    int deliveries = hub.registry().publish(new Event(app.id(), channel, event, data, this));
    // The registry counts this namespace among the channel's members, but deliver() skips it.
    if (deliveries > 0 && channels.contains(channel)) {
      deliveries--;
    }
    hub.observer().published(app, deliveries);
    ack(packet, SocketIoFrames.quote("sent"));
  }

  private void info(SocketIoPacket packet) {
    App target = app;
    JsonElement argument = packet.argument(0);
    JsonElement token = argument != null && argument.isJsonObject()
        ? argument.getAsJsonObject().get("token") : null;
    if (isString(token) && !token.getAsString().equals(apiKey)) {
      target = hub.authenticate(token.getAsString());
      if (target == null) {
        error("INFO: unknown or revoked API key");
        return;
      }
    }
    String info = Json.write(info(target));
    if (packet.wantsAck()) {
      engine.link().send(SocketIoFrames.ack(namespace, packet.ackId(), info));
    } else {
      engine.link().send(SocketIoFrames.event(namespace, "INFO", info));
    }
  }

  /** Returns the native info object plus the flat fields older SDK builds read. */
  private JsonObject info(App target) {
    Usage usage = hub.quotas().usage(target);
    JsonObject info = Wire.info(target, usage, hub);
    info.addProperty("status", usage.requestsLeft() == 0 ? "limit_reached" : "active");
    info.addProperty("connections", usage.connections());
    info.addProperty("requestsLeft", usage.requestsLeft());
    return info;
  }

  /** Returns the valid channel named by a JOIN, LEAVE or MESSAGE argument, or null after ERROR. */
  private @Nullable String channelOf(@Nullable JsonElement argument, String op) {
    JsonElement value = argument;
    if (argument != null && argument.isJsonObject()) {
      JsonObject fields = argument.getAsJsonObject();
      value = fields.has("group_id") ? fields.get("group_id") : fields.get("room");
    }
    if (!isString(value)) {
      error(op + " needs { group_id: CHANNEL }" + ("MESSAGE".equals(op)
          ? " with event_name and message" : " or the channel name"));
      return null;
    }
    String channel = value.getAsString();
    String problem = Names.channelError(channel);
    if (problem != null) {
      error(problem);
      return null;
    }
    return channel;
  }

  private @Nullable String eventOf(JsonObject fields) {
    JsonElement value = fields.has("event_name") ? fields.get("event_name") : fields.get("event");
    if (!isString(value)) {
      error("MESSAGE needs { group_id, event_name, message }");
      return null;
    }
    String problem = Names.eventError(value.getAsString());
    if (problem != null) {
      error(problem);
      return null;
    }
    return value.getAsString();
  }

  /** Counts one request; when the plan refuses it, reports it and ends the namespace. */
  private boolean admit() {
    Admission admission = hub.quotas().admitRequest(app);
    if (admission.admitted()) {
      return true;
    }
    hub.observer().requestRefused(app, admission.code());
    end(admission.message());
    return false;
  }

  private void ack(SocketIoPacket packet, String argumentJson) {
    if (packet.wantsAck()) {
      engine.link().send(SocketIoFrames.ack(namespace, packet.ackId(), argumentJson));
    }
  }

  private static boolean isString(@Nullable JsonElement element) {
    return element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
  }

  private static String shorten(String name) {
    String shown = name;
    if (name.length() > MAX_ECHOED_NAME) {
      // Never cut a surrogate pair in half: frames the server sends must be valid UTF-8.
      int end = Character.isHighSurrogate(name.charAt(MAX_ECHOED_NAME - 1))
          ? MAX_ECHOED_NAME - 1 : MAX_ECHOED_NAME;
      shown = name.substring(0, end) + "...";
    }
    return SocketIoFrames.quote(shown);
  }
}
