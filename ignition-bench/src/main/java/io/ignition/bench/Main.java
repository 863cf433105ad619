package io.ignition.bench;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The bench tool's entry point: one subcommand per instrument. */
@Command(name = "ignition-bench", mixinStandardHelpOptions = true,
    version = Main.VERSION,
    description = "Benchmarks of Ignition: JMH micro-benchmarks, end-to-end load, idle memory.",
    subcommands = {JmhCommand.class, LoadCommand.class, IdleCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** What {@code --version} prints, for the tool and each subcommand. */
  static final String VERSION = "Ignition bench 0.1.0";

  /**
   * Exit status when the run failed: the server could not be reached or died, or the run had
   * problems (lost deliveries, refused emits, closed connections) that its output lists.
   */
  static final int EXIT_FAILED = 1;

  /** Exit status for options that do not make sense together or are out of range. */
  static final int EXIT_USAGE = 2;

  /**
   * Says on standard error why a run that produced figures still failed, and returns
   * {@link #EXIT_FAILED}; returns 0 when {@code problems} is empty.
   */
  static int failIfAny(String command, List<String> problems) {
    if (problems.isEmpty()) {
      return 0;
    }
    System.err.println("ignition-bench " + command + ": " + String.join("; ", problems));
    return EXIT_FAILED;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the tool and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the tool's command line, for tests that run it in process. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler((failure, command, parsed) -> {
      String message = failure.getMessage();
      command.getErr().println("ignition-bench " + command.getCommandName() + ": "
          + (message == null ? failure : message));
      return failure instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILED;
    });
    return commandLine;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a subcommand: jmh, load or idle");
  }
}
