package io.ignition.server.launcher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.ignition.core.App;
import io.ignition.core.Plan;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's JSON config file: the apps, their plans and their keys.
 *
 * <pre>{@code
 * {"apps":[{"id":"acme","plan":"hobby","keys":["k-acme-1","k-acme-2"]}]}
 * }</pre>
 *
 * <p>Every problem is reported as a {@link ConfigException} naming the file and the location
 * ({@code apps[1].plan}) of what is wrong.
 */
record ConfigFile(Map<String, App> appsByKey, List<App> apps) {
  private static final Map<String, Plan> PLANS = Map.of(
      Plan.HOBBY.name(), Plan.HOBBY, Plan.PRO.name(), Plan.PRO,
      Plan.ENTERPRISE.name(), Plan.ENTERPRISE);

  /** Reads and checks the file. */
  static ConfigFile read(Path path) throws ConfigException {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read: " + e);
    }
    return parse(path.toString(), text);
  }

  static ConfigFile parse(String source, String text) throws ConfigException {
    JsonObject root = object(source, strictParse(source, text), "the top level");
    JsonElement apps = root.get("apps");
    if (apps == null || !apps.isJsonArray()) {
      throw new ConfigException(source + ": \"apps\" must be an array of apps");
    }
    Map<String, App> byKey = new HashMap<>();
    Map<String, App> byId = new LinkedHashMap<>();
    JsonArray array = apps.getAsJsonArray();
    for (int i = 0; i < array.size(); i++) {
      readApp(source, "apps[" + i + "]", array.get(i), byKey, byId);
    }
    return new ConfigFile(Map.copyOf(byKey), List.copyOf(byId.values()));
  }

  private static void readApp(String source, String where, JsonElement element,
      Map<String, App> byKey, Map<String, App> byId) throws ConfigException {
    JsonObject object = object(source, element, where);
    String id = string(source, object, where, "id");
    String planName = string(source, object, where, "plan");
    Plan plan = PLANS.get(planName);
    if (plan == null) {
      throw new ConfigException(source + ": " + where + ".plan: unknown plan \"" + planName
          + "\" (known: " + String.join(", ", PLANS.keySet().stream().sorted().toList()) + ")");
    }
    if (byId.containsKey(id)) {
      throw new ConfigException(source + ": " + where + ".id: app \"" + id + "\" appears twice");
    }
    App app = new App(id, plan);
    byId.put(id, app);
    JsonElement keys = object.get("keys");
    if (keys == null || !keys.isJsonArray() || keys.getAsJsonArray().isEmpty()) {
      throw new ConfigException(source + ": " + where + ".keys: must be a non-empty array");
    }
    JsonArray keyArray = keys.getAsJsonArray();
    for (int k = 0; k < keyArray.size(); k++) {
      String keyWhere = where + ".keys[" + k + "]";
      JsonElement key = keyArray.get(k);
      if (!key.isJsonPrimitive() || !key.getAsJsonPrimitive().isString()
          || key.getAsString().isBlank()) {
        throw new ConfigException(source + ": " + keyWhere + ": must be a non-empty string");
      }
      if (byKey.putIfAbsent(key.getAsString(), app) != null) {
        throw new ConfigException(source + ": " + keyWhere + ": key is used twice");
      }
    }
  }

  private static JsonElement strictParse(String source, String text) throws ConfigException {
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement root = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new ConfigException(source + ": unexpected text after the JSON object");
      }
      return root;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw new ConfigException(source + ": not valid JSON: " + messageOf(e));
    }
  }

  private static String messageOf(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    int hint = message == null ? -1 : message.indexOf("\nSee https://");
    return hint < 0 ? String.valueOf(message) : message.substring(0, hint);
  }

  private static JsonObject object(String source, JsonElement element, String where)
      throws ConfigException {
    if (element == null || !element.isJsonObject()) {
      throw new ConfigException(source + ": " + where + ": must be a JSON object");
    }
    return element.getAsJsonObject();
  }

  private static String string(String source, JsonObject object, String where, String field)
      throws ConfigException {
    JsonElement value = object.get(field);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()
        || value.getAsString().isBlank()) {
      throw new ConfigException(source + ": " + where + "." + field
          + ": must be a non-empty string");
    }
    return value.getAsString();
  }
}
