package io.ignition.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code jmh}: the JMH suite, and its check against the targets kept in the module. */
@Command(name = "jmh", mixinStandardHelpOptions = true, version = Main.VERSION,
    description = {"Runs the JMH benchmarks (all by default) with the GC profiler, so that "
          + "bytes allocated per operation are reported.",
        "Any other argument goes to JMH as it is: benchmark regexes and JMH options such as "
              + "-p subscribers=1000, -f 3 or -prof jfr (JMH's own list: -- -h)."},
    footer = {"%nExamples:", "  java -jar ignition-bench.jar jmh --check",
        "  java -jar ignition-bench.jar jmh --quick --check",
        "  java -jar ignition-bench.jar jmh FanOutBenchmark -p subscribers=1000"})
final class JmhCommand implements Callable<Integer> {
  private static final String ALL = "io\\.ignition\\.";
  private static final String ALLOCATION = "gc.alloc.rate.norm";

  @Option(names = "--quick", description = "Run every benchmark briefly (1 fork, one 100 ms "
      + "warm-up and one 100 ms measurement iteration) to prove it runs; --check then only "
      + "reports.")
  boolean quick;

  @Option(names = "--check", description = "Compare the scores with the targets kept in the "
      + "module (targets.tsv), print a table, and exit 1 on a miss (never with --quick).")
  boolean check;

  @Option(names = "--result", paramLabel = "FILE",
      description = "Also write JMH's results to FILE as JSON.")
  @Nullable Path result;

  @Unmatched
  List<String> jmhArgs = new ArrayList<>();

  @Override
  public Integer call() throws RunnerException, IOException {
    CommandLineOptions parsed;
    try {
      parsed = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      throw new IllegalArgumentException("JMH options: " + e.getMessage(), e);
    }
    if (parsed.shouldHelp()) {
      parsed.showHelp();
      return 0;
    }
    if (parsed.shouldList()) {
      new Runner(options(parsed).build()).list();
      return 0;
    }
    Collection<RunResult> results = new Runner(options(parsed).build()).run();
    if (!check) {
      return 0;
    }
    List<Targets.Verdict> verdicts = Targets.check(Targets.load(), scores(results));
    System.out.println();
    System.out.print(Targets.table(verdicts));
    boolean missed = verdicts.stream().anyMatch(v -> v.value() != null && !v.met());
    if (quick) {
      System.out.println("(--quick: timings from 100 ms runs are not judged)");
      return 0;
    }
    return missed ? 1 : 0;
  }

  private ChainedOptionsBuilder options(CommandLineOptions parsed) {
    ChainedOptionsBuilder options = new OptionsBuilder().parent(parsed);
    if (parsed.getIncludes().isEmpty()) {
      options.include(ALL);
    }
    if (parsed.getProfilers().isEmpty()) {
      options.addProfiler(GCProfiler.class);
    }
    if (quick) {
      options.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
          .measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
    }
    if (result != null) {
      options.result(result.toString()).resultFormat(ResultFormatType.JSON);
    }
    return options;
  }

  static List<Targets.Score> scores(Collection<RunResult> results) {
    List<Targets.Score> scores = new ArrayList<>();
    for (RunResult run : results) {
      Map<String, String> params = new LinkedHashMap<>();
      for (String key : run.getParams().getParamsKeys()) {
        params.put(key, run.getParams().getParam(key));
      }
      Result<?> primary = run.getPrimaryResult();
      scores.add(new Targets.Score(run.getParams().getBenchmark(), params, primary.getScore(),
          primary.getScoreUnit(), allocation(run)));
    }
    return scores;
  }

  private static @Nullable Double allocation(RunResult run) {
    for (String label : run.getSecondaryResults().keySet()) {
      // JMH has prefixed the label with a middle dot in some versions.
      if (label.replace("\u00b7", "").equals(ALLOCATION)) {
        return run.getSecondaryResults().get(label).getScore();
      }
    }
    return null;
  }
}
