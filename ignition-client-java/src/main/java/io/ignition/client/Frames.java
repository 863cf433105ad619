package io.ignition.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Writes the client frames of the native protocol, version 1. Thread-safe. */
final class Frames {

  private Frames() {}

  static String subscribe(long id, String channel) {
    JsonObject frame = frame("subscribe", id);
    frame.addProperty("channel", channel);
    return Json.GSON.toJson(frame);
  }

  static String unsubscribe(long id, String channel) {
    JsonObject frame = frame("unsubscribe", id);
    frame.addProperty("channel", channel);
    return Json.GSON.toJson(frame);
  }

  static String emit(long id, String channel, String event, JsonElement data) {
    JsonObject frame = frame("emit", id);
    frame.addProperty("channel", channel);
    frame.addProperty("event", event);
    frame.add("data", data);
    return Json.GSON.toJson(frame);
  }

  static String info(long id) {
    return Json.GSON.toJson(frame("info", id));
  }

  private static JsonObject frame(String op, long id) {
    JsonObject frame = new JsonObject();
    frame.addProperty("op", op);
    frame.addProperty("id", id);
    return frame;
  }
}
