package io.ignition.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed scrape in the Prometheus text format 0.0.4: each sample line
 * {@code name{label="value",...} value [timestamp]} by name and labels, and each family's
 * {@code # TYPE}. Immutable.
 */
final class PrometheusText {
  /** One time series: a metric name and its labels. */
  record Series(String name, Map<String, String> labels) {}

  private final Map<Series, Double> samples;
  private final Map<String, String> types;

  private PrometheusText(Map<Series, Double> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  /**
   * Parses a scrape.
   *
   * @throws IllegalArgumentException naming the line that does not follow the format
   */
  static PrometheusText parse(String text) {
    Map<Series, Double> samples = new LinkedHashMap<>();
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] words = line.split(" ");
        types.put(words[2], words[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        try {
          new LineReader(line).sample(samples);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("not a sample line: " + line, e);
        }
      }
    }
    return new PrometheusText(samples, types);
  }

  /**
   * Returns the value of the series with exactly these labels, given as name, value, name, ...
   *
   * @throws AssertionError when there is no such series, listing the series of that name
   */
  double value(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    Double value = samples.get(new Series(name, wanted));
    if (value == null) {
      throw new AssertionError("no series " + name + wanted + "; series of that name: "
          + series(name));
    }
    return value;
  }

  /** Returns the series of the metric name, in scrape order. */
  List<Series> series(String name) {
    List<Series> found = new ArrayList<>();
    samples.keySet().forEach(series -> {
      if (series.name().equals(name)) {
        found.add(series);
      }
    });
    return found;
  }

  /** Returns the family's type ({@code counter}, {@code gauge}, ...), or null without one. */
  String type(String family) {
    return types.get(family);
  }

  /** Reads one sample line, character by character. */
  private static final class LineReader {
    private final String line;
    private int at;

    LineReader(String line) {
      this.line = line;
    }

    void sample(Map<Series, Double> samples) {
      String name = until(" {");
      Map<String, String> labels = new HashMap<>();
      if (line.charAt(at) == '{') {
        at++;
        while (line.charAt(at) != '}') {
          String label = until("=");
          expect("=\"");
          labels.put(label, quoted());
          if (line.charAt(at) == ',') {
            at++;
          }
        }
        at++;
      }
      expect(" ");
      String value = until(" ");
      Series series = new Series(name, Map.copyOf(labels));
      if (samples.put(series, number(value)) != null) {
        throw new IllegalArgumentException("series twice: " + series);
      }
    }

    private String until(String stops) {
      int start = at;
      while (at < line.length() && stops.indexOf(line.charAt(at)) < 0) {
        at++;
      }
      return line.substring(start, at);
    }

    private void expect(String text) {
      if (!line.startsWith(text, at)) {
        throw new IllegalArgumentException("expected " + text + " at " + at);
      }
      at += text.length();
    }

    /** Reads a label value up to its closing quote, undoing \\, \" and \n escapes. */
    private String quoted() {
      StringBuilder value = new StringBuilder();
      char c;
      while ((c = line.charAt(at++)) != '"') {
        if (c == '\\') {
          char escaped = line.charAt(at++);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      return value.toString();
    }

    private static double number(String text) {
      return switch (text) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(text);
      };
    }
  }
}
