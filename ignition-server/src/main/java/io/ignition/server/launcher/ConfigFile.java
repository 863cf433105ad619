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
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server's JSON config file: the admin token, the plans, and the apps with their plans and
 * keys.
 *
 * <pre>{@code
 * {"adminToken":"s3cret",
 *  "plans":{"tiny":{"dailyRequests":20,"connections":3}},
 *  "apps":[{"id":"acme","plan":"tiny","keys":["k-acme-1","k-acme-2"]}]}
 * }</pre>
 *
 * <p>Plans named in the file replace or add to the defaults (hobby, pro, enterprise); a limit of
 * -1 means unlimited. Every problem is reported as a {@link ConfigException} naming the file and
 * the location ({@code apps[1].plan}, {@code plans.tiny.connections}) of what is wrong.
 *
 * @param appsByKey every key with the app it belongs to
 * @param apps every app in file order, including apps without keys
 * @param plans the default plans and those in the file, by name
 * @param adminToken the token of the admin API, or null when the file has none
 */
record ConfigFile(Map<String, App> appsByKey, List<App> apps, Map<String, Plan> plans,
    @Nullable String adminToken) {
  /** The largest daily limit a plan may have; the quota counters hold 40 bits. */
  static final long MAX_DAILY_REQUESTS = 1_000_000_000_000L;

  private static final List<Plan> DEFAULT_PLANS = List.of(Plan.HOBBY, Plan.PRO, Plan.ENTERPRISE);
  private static final String LIMIT_RULE = "must be -1 or a whole number >= 0";

  /** Returns the file's text, or throws naming the file and why it cannot be read. */
  static String readText(Path path) throws ConfigException {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read: " + e);
    }
  }

  static ConfigFile parse(String source, String text) throws ConfigException {
    JsonObject root = object(source, strictParse(source, text), "the top level");
    String adminToken = root.has("adminToken")
        ? string(source, root, "", "adminToken") : null;
    Map<String, Plan> plans = readPlans(source, root.get("plans"));
    JsonElement apps = root.get("apps");
    if (apps == null || !apps.isJsonArray()) {
      throw new ConfigException(source + ": \"apps\" must be an array of apps");
    }
    Map<String, App> byKey = new HashMap<>();
    Map<String, App> byId = new LinkedHashMap<>();
    JsonArray array = apps.getAsJsonArray();
    for (int i = 0; i < array.size(); i++) {
      readApp(source, "apps[" + i + "]", array.get(i), plans, byKey, byId);
    }
    return new ConfigFile(Map.copyOf(byKey), List.copyOf(byId.values()), plans, adminToken);
  }

  private static Map<String, Plan> readPlans(String source, @Nullable JsonElement section)
      throws ConfigException {
    Map<String, Plan> plans = new LinkedHashMap<>();
    DEFAULT_PLANS.forEach(plan -> plans.put(plan.name(), plan));
    if (section == null) {
      return Collections.unmodifiableMap(plans);
    }
    for (Map.Entry<String, JsonElement> entry : object(source, section, "plans").entrySet()) {
      String name = entry.getKey();
      String where = "plans." + name;
      if (name.isBlank()) {
        throw new ConfigException(source + ": " + where + ": a plan name must not be blank");
      }
      JsonObject plan = object(source, entry.getValue(), where);
      long daily = limit(source, plan, where, "dailyRequests", MAX_DAILY_REQUESTS);
      long connections = limit(source, plan, where, "connections", Integer.MAX_VALUE);
      plans.put(name, new Plan(name, daily, (int) connections));
    }
    return Collections.unmodifiableMap(plans);
  }

  private static long limit(String source, JsonObject plan, String planWhere, String field,
      long max) throws ConfigException {
    String where = planWhere + "." + field;
    JsonElement value = plan.get(field);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new ConfigException(source + ": " + where + ": " + LIMIT_RULE);
    }
    BigDecimal number = value.getAsBigDecimal();
    if (number.stripTrailingZeros().scale() > 0 || number.compareTo(BigDecimal.ONE.negate()) < 0) {
      throw new ConfigException(source + ": " + where + ": " + LIMIT_RULE + ", was "
          + value.getAsString());
    }
    if (number.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new ConfigException(source + ": " + where + ": must be at most " + max + ", was "
          + value.getAsString());
    }
    return number.longValueExact();
  }

  private static void readApp(String source, String where, JsonElement element,
      Map<String, Plan> plans, Map<String, App> byKey, Map<String, App> byId)
      throws ConfigException {
    JsonObject object = object(source, element, where);
    String id = string(source, object, where, "id");
    String planName = string(source, object, where, "plan");
    Plan plan = plans.get(planName);
    if (plan == null) {
      throw new ConfigException(source + ": " + where + ".plan: unknown plan \"" + planName
          + "\" (known: " + String.join(", ", plans.keySet().stream().sorted().toList()) + ")");
    }
    if (byId.containsKey(id)) {
      throw new ConfigException(source + ": " + where + ".id: app \"" + id + "\" appears twice");
    }
    App app = new App(id, plan);
    byId.put(id, app);
    readKeys(source, where + ".keys", object.get("keys"), app, byKey);
  }

  private static void readKeys(String source, String where, @Nullable JsonElement keys, App app,
      Map<String, App> byKey) throws ConfigException {
    if (keys == null || !keys.isJsonArray()) {
      throw new ConfigException(source + ": " + where + ": must be an array of keys");
    }
    JsonArray keyArray = keys.getAsJsonArray();
    for (int k = 0; k < keyArray.size(); k++) {
      String keyWhere = where + "[" + k + "]";
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

  /** Returns a non-blank string field; {@code where} locates the object, empty at the top. */
  private static String string(String source, JsonObject object, String where, String field)
      throws ConfigException {
    JsonElement value = object.get(field);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()
        || value.getAsString().isBlank()) {
      throw new ConfigException(source + ": " + (where.isEmpty() ? "" : where + ".") + field
          + ": must be a non-empty string");
    }
    return value.getAsString();
  }
}
