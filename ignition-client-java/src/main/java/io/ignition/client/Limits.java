package io.ignition.client;

import com.google.gson.JsonObject;

/**
 * The limits of the plan an API key belongs to, as the server reports them; -1 means unlimited.
 *
 * @param dailyRequests requests allowed per day
 * @param connections concurrent connections allowed
 * @param maxFrameBytes the largest frame the server accepts, in bytes
 * @param maxChannels channels one connection may subscribe to
 */
public record Limits(long dailyRequests, long connections, long maxFrameBytes, long maxChannels) {

  static Limits fromJson(JsonObject json) {
    return new Limits(Json.integer(json, "dailyRequests"), Json.integer(json, "connections"),
        Json.integer(json, "maxFrameBytes"), Json.integer(json, "maxChannels"));
  }
}
