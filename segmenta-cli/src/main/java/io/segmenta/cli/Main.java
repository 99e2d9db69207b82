package io.segmenta.cli;

import io.segmenta.core.SegmentaException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code segmenta} command. A user's mistake prints one clear line (exit 2); a fault prints one line too and
 * a stack trace only with SEGMENTA_DEBUG=1 (exit 3).
 */
@Command(name = "segmenta", mixinStandardHelpOptions = true, version = "segmenta 0.1.0",
    description = "Customer segmentation for online shops: import customers and orders, write segments, count and export them.",
    subcommands = {DemoCommand.class, ImportCommand.class, SegmentCommand.class, ValueCommand.class, RfmCommand.class,
        ClvCommand.class, CohortsCommand.class, ExperimentCommand.class, ConversionsCommand.class, ServeCommand.class, ClusterCommand.class, ExplainClusterCommand.class, PlacementCommand.class, DecideCommand.class, RecommendCommand.class, EmailCommand.class, LookalikeCommand.class, TraitsCommand.class, BreakdownCommand.class, SurveyCommand.class, ImportSurveyCommand.class, GenerateCommand.class, StatsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Throwable t = e;
      if (t instanceof SegmentaException s && s.isUserError()) {
        err.println("segmenta: " + s.getMessage());
        return 2;
      }
      err.println("segmenta: internal error: " + t);
      if ("1".equals(System.getenv("SEGMENTA_DEBUG"))) {
        t.printStackTrace(err);
      } else {
        err.println("(run with SEGMENTA_DEBUG=1 to see where it happened)");
      }
      return 3;
    });
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("segmenta: " + e.getMessage());
      CommandLine c = e.getCommandLine();
      err.println("try '" + c.getCommandSpec().qualifiedName() + " --help'");
      return 2;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
