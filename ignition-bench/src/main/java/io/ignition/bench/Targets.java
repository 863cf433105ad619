package io.ignition.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JMH targets kept in {@code targets.tsv} beside this class, and their check against scores.
 *
 * <p>Columns, tab-separated: benchmark (class and method, as JMH names them), params ({@code
 * name=value} pairs joined by commas, {@code -} for none), unit, target, direction ({@code <=} or
 * {@code >=}), and optionally a baseline benchmark whose score (same params and unit) is
 * subtracted first. Units: {@code ns/op}, {@code us/op}, {@code ms/op}, {@code ops/us}, {@code
 * ops/ms}, {@code ops/s}, {@code B/op} (JMH's {@code gc.alloc.rate.norm}, from {@code -prof gc}),
 * and {@code ns/delivery}: nanoseconds per operation divided by the {@code subscribers} param.
 */
final class Targets {
  static final String RESOURCE = "targets.tsv";

  private Targets() {}

  /** One benchmark's result, in the shape the check needs. */
  record Score(String benchmark, Map<String, String> params, double score, String unit,
      @Nullable Double allocatedBytesPerOp) {}

  /** One row of the targets file. */
  record Target(String benchmark, Map<String, String> params, String unit, double target,
      String direction, @Nullable String baseline) {
    String describe() {
      return String.format(Locale.ROOT, "%s %s %s%s", direction, number(target), unit,
          baseline == null ? "" : " over " + baseline);
    }
  }

  /** A target with the value measured for it; {@code value} is null when it was not run. */
  record Verdict(Target target, @Nullable Double value) {
    boolean met() {
      return value != null && (target.direction().equals("<=") ? value <= target.target()
          : value >= target.target());
    }

    String status() {
      return value == null ? "not run" : met() ? "pass" : "MISS";
    }
  }

  /** Reads the targets file from the class path. */
  static List<Target> load() {
    try (InputStream in = Objects.requireNonNull(Targets.class.getResourceAsStream(RESOURCE),
        RESOURCE + " missing from the class path")) {
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses the file's lines; blank lines and lines starting with {@code #} are skipped.
   *
   * @throws IllegalArgumentException naming the line that is malformed
   */
  static List<Target> parse(List<String> lines) {
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("\t");
      if (cells.length < 5 || cells.length > 6 || !(cells[4].equals("<=")
          || cells[4].equals(">="))) {
        throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": expected "
            + "benchmark, params, unit, target, <= or >=, and an optional baseline, tab-separated");
      }
      targets.add(new Target(cells[0], params(cells[1]), cells[2], Double.parseDouble(cells[3]),
          cells[4], cells.length == 6 ? cells[5] : null));
    }
    return targets;
  }

  private static Map<String, String> params(String cell) {
    Map<String, String> params = new LinkedHashMap<>();
    if (!cell.equals("-")) {
      for (String pair : cell.split(",")) {
        String[] nameValue = pair.split("=", 2);
        params.put(nameValue[0].strip(), nameValue.length > 1 ? nameValue[1].strip() : "");
      }
    }
    return params;
  }

  /** Matches each target with its score and converts it to the target's unit. */
  static List<Verdict> check(List<Target> targets, List<Score> scores) {
    List<Verdict> verdicts = new ArrayList<>();
    for (Target target : targets) {
      Double value = value(target.benchmark(), target, scores);
      if (value != null && target.baseline() != null) {
        Double baseline = value(target.baseline(), target, scores);
        value = baseline == null ? null : value - baseline;
      }
      verdicts.add(new Verdict(target, value));
    }
    return verdicts;
  }

  private static @Nullable Double value(String benchmark, Target target, List<Score> scores) {
    for (Score score : scores) {
      if ((score.benchmark().equals(benchmark) || score.benchmark().endsWith("." + benchmark))
          && score.params().entrySet().containsAll(target.params().entrySet())) {
        return convert(score, target.unit());
      }
    }
    return null;
  }

  /** Returns the score in {@code unit}, or null when it cannot be expressed in it. */
  static @Nullable Double convert(Score score, String unit) {
    if (unit.equals("B/op")) {
      return score.allocatedBytesPerOp();
    }
    Double nanosPerOp = nanosPerOp(score.score(), score.unit());
    if (nanosPerOp == null) {
      return null;
    }
    if (unit.equals("ns/delivery")) {
      String subscribers = score.params().get("subscribers");
      return subscribers == null ? null : nanosPerOp / Double.parseDouble(subscribers);
    }
    if (unit.endsWith("/op")) {
      Double scale = nanos(unit.substring(0, unit.length() - "/op".length()));
      return scale == null ? null : nanosPerOp / scale;
    }
    if (unit.startsWith("ops/")) {
      Double scale = nanos(unit.substring("ops/".length()));
      return scale == null ? null : scale / nanosPerOp;
    }
    return null;
  }

  private static @Nullable Double nanosPerOp(double score, String unit) {
    if (unit.endsWith("/op")) {
      Double scale = nanos(unit.substring(0, unit.length() - "/op".length()));
      return scale == null ? null : score * scale;
    }
    if (unit.startsWith("ops/")) {
      Double scale = nanos(unit.substring("ops/".length()));
      return scale == null ? null : scale / score;
    }
    return null;
  }

  private static @Nullable Double nanos(String timeUnit) {
    return switch (timeUnit) {
      case "ns" -> 1.0;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      default -> null;
    };
  }

  /** Renders the verdicts as a table: benchmark, params, score, target, status. */
  static String table(List<Verdict> verdicts) {
    String format = "%-38s %-20s %18s  %-46s %s%n";
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, format, "benchmark",
        "params", "score", "target", "status"));
    for (Verdict verdict : verdicts) {
      Target target = verdict.target();
      String params = target.params().isEmpty() ? "-" : target.params().toString();
      String score = verdict.value() == null ? "-" : number(verdict.value()) + " " + target.unit();
      out.append(String.format(Locale.ROOT, format, target.benchmark(), params, score,
          target.describe(), verdict.status()));
    }
    return out.toString();
  }

  private static String number(double value) {
    return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.3g", value);
  }
}
