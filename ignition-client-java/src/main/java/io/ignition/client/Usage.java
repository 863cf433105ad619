package io.ignition.client;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * How much of its plan an app has used, as the server reports it.
 *
 * @param requestsToday requests counted in the current daily window
 * @param requestsLeft requests left in the window, -1 when unlimited
 * @param connections connections the app has open right now
 * @param resetAt when the daily window restarts
 */
public record Usage(long requestsToday, long requestsLeft, long connections, Instant resetAt) {

  static Usage fromJson(JsonObject json) {
    String resetAt = Json.string(json, "resetAt");
    try {
      return new Usage(Json.integer(json, "requestsToday"), Json.integer(json, "requestsLeft"),
          Json.integer(json, "connections"), Instant.parse(resetAt));
    } catch (DateTimeParseException e) {
      throw new JsonParseException("resetAt is not an ISO-8601 instant: " + resetAt, e);
    }
  }
}
