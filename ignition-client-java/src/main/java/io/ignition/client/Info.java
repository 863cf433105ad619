package io.ignition.client;

import com.google.gson.JsonObject;

/**
 * What the server reports about the app behind the API key: its plan, limits and usage.
 *
 * @param app the app's name
 * @param plan the plan's name, such as {@code hobby}
 * @param limits the plan's limits
 * @param usage the app's usage in the current daily window
 */
public record Info(String app, String plan, Limits limits, Usage usage) {

  static Info fromJson(JsonObject json) {
    return new Info(Json.string(json, "app"), Json.string(json, "plan"),
        Limits.fromJson(Json.object(json, "limits")), Usage.fromJson(Json.object(json, "usage")));
  }
}
