package io.ignition.core.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.ignition.core.App;
import io.ignition.core.Event;
import io.ignition.core.EventHub;
import io.ignition.core.Plan;
import io.ignition.core.Usage;
import java.util.function.Function;

/** The frames the server writes in the native protocol (see docs/protocol.md). */
public final class Wire {
  /** Renders an event frame; pass it to {@link Event#encoded} so it is built once per publish. */
  public static final Function<Event, String> EVENT_TEXT = Wire::event;

  private Wire() {}

  static String event(Event event) {
    StringBuilder out = new StringBuilder(48 + event.channel().length() + event.name().length()
        + event.data().length());
    out.append("{\"op\":\"event\",\"channel\":");
    Json.quote(out, event.channel()).append(",\"event\":");
    Json.quote(out, event.name()).append(",\"data\":").append(event.data()).append('}');
    return out.toString();
  }

  static String ok(long id) {
    return "{\"op\":\"ok\",\"id\":" + id + "}";
  }

  static String ok(long id, JsonElement data) {
    return "{\"op\":\"ok\",\"id\":" + id + ",\"data\":" + Json.write(data) + "}";
  }

  static String error(long id, String code, String message) {
    StringBuilder out = new StringBuilder(64 + message.length()).append("{\"op\":\"error\",");
    if (id > 0) {
      out.append("\"id\":").append(id).append(',');
    }
    out.append("\"code\":");
    Json.quote(out, code).append(",\"message\":");
    return Json.quote(out, message).append('}').toString();
  }

  static String welcome(String connectionId, App app, EventHub hub) {
    JsonObject welcome = new JsonObject();
    welcome.addProperty("op", "welcome");
    welcome.addProperty("connection", connectionId);
    welcome.addProperty("plan", app.plan().name());
    welcome.add("limits", limits(app.plan(), hub));
    return Json.write(welcome);
  }

  /** Returns the {@code info} object: app, plan, limits and usage. */
  public static JsonObject info(App app, Usage usage, EventHub hub) {
    JsonObject info = new JsonObject();
    info.addProperty("app", app.id());
    info.addProperty("plan", app.plan().name());
    info.add("limits", limits(app.plan(), hub));
    JsonObject used = new JsonObject();
    used.addProperty("requestsToday", usage.requestsToday());
    used.addProperty("requestsLeft", usage.requestsLeft());
    used.addProperty("connections", usage.connections());
    used.addProperty("resetAt", usage.resetAt().toString());
    info.add("usage", used);
    return info;
  }

  private static JsonObject limits(Plan plan, EventHub hub) {
    JsonObject limits = new JsonObject();
    limits.addProperty("dailyRequests", plan.dailyRequests());
    limits.addProperty("connections", plan.connections());
    limits.addProperty("maxFrameBytes", hub.maxFrameBytes());
    limits.addProperty("maxChannels", hub.maxChannelsPerConnection());
    return limits;
  }
}
