package io.ignition.core.internal;

import com.google.gson.JsonObject;
import io.ignition.core.Admission;
import io.ignition.core.App;
import io.ignition.core.Connection;
import io.ignition.core.Event;
import io.ignition.core.EventHub;
import io.ignition.core.Plan;
import io.ignition.core.Session;
import io.ignition.core.Subscriber;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One connection speaking the native protocol (docs/protocol.md).
 *
 * <p>{@link #onText} runs on one transport thread at a time; {@link #deliver} runs on publishers'
 * threads; {@link #onClose} on any thread. The channel set is concurrent so that a close racing a
 * subscribe can never leave a subscription behind: the subscribe adds to the set and then checks
 * {@code closed}; the close sets {@code closed} and then empties the set, so one of them always
 * sees the other.
 */
public final class NativeSession implements Session, Subscriber, SessionIndex.Closeable {
  /** Close code for a missing, unknown or revoked key. */
  public static final int CLOSE_BAD_KEY = 4001;

  /** Close code for a plan limit reached. */
  public static final int CLOSE_LIMIT = 4029;

  private static final int MAX_ECHOED_OP = 32;

  private final EventHub hub;
  private final Connection connection;
  private final App app;
  private final String apiKey;
  private final Plan planAtOpen;
  private final boolean echo;
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set once the session has decided to end the connection; later frames are ignored. */
  private volatile boolean ending;

  private NativeSession(EventHub hub, Connection connection, App app, String apiKey,
      Plan planAtOpen, boolean echo) {
    this.hub = hub;
    this.connection = connection;
    this.app = app;
    this.apiKey = apiKey;
    this.planAtOpen = planAtOpen;
    this.echo = echo;
  }

  /** Authenticates and admits the connection; see {@link EventHub#openNative}. */
  public static Session open(EventHub hub, Connection connection, @Nullable String apiKey,
      boolean echo) {
    App app = hub.authenticate(apiKey);
    if (app == null || apiKey == null) {
      hub.observer().connectionRefused("bad_key");
      connection.close(CLOSE_BAD_KEY, apiKey == null || apiKey.isEmpty()
          ? "missing API key: send Authorization: Bearer KEY or ?key=KEY"
          : "unknown or revoked API key");
      return RefusedSession.INSTANCE;
    }
    Plan plan = app.plan();
    Admission slot = hub.quotas().admitConnection(app);
    if (!slot.admitted()) {
      hub.observer().connectionRefused(slot.code());
      connection.close(CLOSE_LIMIT, slot.message());
      return RefusedSession.INSTANCE;
    }
    NativeSession session = new NativeSession(hub, connection, app, apiKey, plan, echo);
    hub.observer().connectionOpened(app, plan);
    hub.sessions().add(apiKey, session);
    if (session.admit(0)) {
      connection.send(Wire.welcome(connection.id(), app, hub));
    }
    return session;
  }

  @Override
  public void onText(String text) {
    if (ending || closed.get()) {
      return;
    }
    Frame frame;
    try {
      frame = FrameDecoder.decode(text);
    } catch (ProtocolException e) {
      connection.send(Wire.error(e.id(), e.code(), e.getMessage()));
      return;
    }
    switch (frame.op()) {
      case "subscribe" -> subscribe(frame);
      case "unsubscribe" -> unsubscribe(frame);
      case "emit" -> emit(frame);
      case "info" -> reply(frame.id(), hub.info(app));
      case "ping" -> reply(frame.id(), time());
      default -> {
        fail(frame.id(), "bad_request", "unknown op " + shorten(frame.op()));
        return;
      }
    }
    hub.observer().operation(frame.op());
  }

  @Override
  public void kick(int code, String reason) {
    ending = true;
    connection.close(code, reason);
  }

  @Override
  public void onBinary(int length) {
    if (!ending && !closed.get()) {
      fail(0, "bad_request", "binary frames are not supported; send JSON text frames");
    }
  }

  @Override
  public void onClose() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    hub.sessions().remove(apiKey, this);
    for (String channel : channels) {
      hub.registry().unsubscribe(app.id(), channel, this);
    }
    channels.clear();
    hub.quotas().releaseConnection(app);
    hub.observer().connectionClosed(app, planAtOpen);
  }

  @Override
  public void deliver(Event event) {
    if (event.origin() != this || echo) {
      connection.send(event);
    }
  }

  private void subscribe(Frame frame) {
    String channel = channelOf(frame);
    if (channel == null) {
      return;
    }
    if (!channels.contains(channel) && channels.size() >= hub.maxChannelsPerConnection()) {
      fail(frame.id(), "too_many_channels", "a connection may hold at most "
          + hub.maxChannelsPerConnection() + " channels");
      return;
    }
    if (!admit(frame.id())) {
      return;
    }
    channels.add(channel);
    hub.registry().subscribe(app.id(), channel, this).whenComplete((ignored, failure) -> {
      if (failure != null) {
        channels.remove(channel);
        hub.registry().unsubscribe(app.id(), channel, this);
        fail(frame.id(), "unavailable", "subscription failed; try again");
      } else if (closed.get()) {
        hub.registry().unsubscribe(app.id(), channel, this);
      } else {
        ok(frame.id());
      }
    });
  }

  private void unsubscribe(Frame frame) {
    String channel = channelOf(frame);
    if (channel == null || !admit(frame.id())) {
      return;
    }
    channels.remove(channel);
    hub.registry().unsubscribe(app.id(), channel, this);
    ok(frame.id());
  }

  private void emit(Frame frame) {
    String channel = channelOf(frame);
    if (channel == null) {
      return;
    }
    String event = frame.event();
    if (event == null) {
      fail(frame.id(), "bad_request", "missing field event");
      return;
    }
    String eventError = Names.eventError(event);
    if (eventError != null) {
      fail(frame.id(), "invalid_event", eventError);
      return;
    }
    PublishGate gate = hub.publishGate();
    if (!gate.enter()) {
      fail(frame.id(), "shutting_down", "the server is shutting down; reconnect to emit");
      return;
    }
    try {
      publish(frame, channel, event);
    } finally {
      gate.exit();
    }
  }

  /** Counts, fans out and acknowledges an emit that passed validation and the publish gate. */
  private void publish(Frame frame, String channel, String event) {
    if (!admit(frame.id())) {
      return;
    }
    int deliveries = hub.registry().publish(new Event(app.id(), channel, event, frame.data(),
        this));
    // The registry counts this connection among the channel's subscribers, but deliver() skips
    // it unless it asked for echo.
    if (!echo && deliveries > 0 && channels.contains(channel)) {
      deliveries--;
    }
    hub.observer().published(app, deliveries);
    ok(frame.id());
  }

  /** Returns the frame's valid channel, or null after answering why there is none. */
  private @Nullable String channelOf(Frame frame) {
    String channel = frame.channel();
    if (channel == null) {
      fail(frame.id(), "bad_request", "missing field channel");
      return null;
    }
    String error = Names.channelError(channel);
    if (error != null) {
      fail(frame.id(), "invalid_channel", error);
      return null;
    }
    return channel;
  }

  /** Counts one request; when the plan refuses it, answers and ends the connection. */
  private boolean admit(long id) {
    Admission admission = hub.quotas().admitRequest(app);
    if (admission.admitted()) {
      return true;
    }
    hub.observer().requestRefused(app, admission.code());
    fail(id, admission.code(), admission.message());
    ending = true;
    connection.close(CLOSE_LIMIT, admission.message());
    return false;
  }

  private void ok(long id) {
    if (id > 0) {
      connection.send(Wire.ok(id));
    }
  }

  private void reply(long id, JsonObject data) {
    if (id > 0) {
      connection.send(Wire.ok(id, data));
    }
  }

  private void fail(long id, String code, String message) {
    connection.send(Wire.error(id, code, message));
  }

  private static JsonObject time() {
    JsonObject data = new JsonObject();
    data.addProperty("time", System.currentTimeMillis());
    return data;
  }

  private static String shorten(String op) {
    String shown = op;
    if (op.length() > MAX_ECHOED_OP) {
      // Never cut a surrogate pair in half: frames the server sends must be valid UTF-8.
      int end = Character.isHighSurrogate(op.charAt(MAX_ECHOED_OP - 1))
          ? MAX_ECHOED_OP - 1 : MAX_ECHOED_OP;
      shown = op.substring(0, end) + "...";
    }
    return Json.quote(new StringBuilder(), shown).toString();
  }

  /** The session of a connection that was refused; it ignores everything. */
  private enum RefusedSession implements Session {
    INSTANCE;

    @Override
    public void onText(String text) {}

    @Override
    public void onBinary(int length) {}

    @Override
    public void onClose() {}
  }
}
