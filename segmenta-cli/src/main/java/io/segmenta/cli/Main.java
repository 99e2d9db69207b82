package io.segmenta.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.segmenta.core.SegmentaException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * The {@code segmenta} command. A user's mistake prints one clear line (exit 2); a fault prints one line too and
 * a stack trace only with SEGMENTA_DEBUG=1 (exit 3). Output and arguments are UTF-8 whatever the locale: under LANG=C or
 * POSIX the JVM would otherwise write and read every non-ASCII id as '?' ({@link Utf8Arguments}).
 */
@Command(name = "segmenta", mixinStandardHelpOptions = true, version = "segmenta 0.1.0",
    description = "Customer segmentation for online shops: import customers and orders, write segments, count and export them.")
public final class Main implements Runnable {
  /**
   * The commands, in the order of the help. Only the one named on the command line is built: picocli builds a
   * command's model by reflection over it and its options' defaults, and all of them took a second of every call.
   */
  static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, ImportCommand.class, SegmentCommand.class, ValueCommand.class,
      RfmCommand.class, ClvCommand.class, CohortsCommand.class, ExperimentCommand.class, ConversionsCommand.class, ServeCommand.class,
      UserCommand.class, StatusCommand.class, ClusterCommand.class, ExplainClusterCommand.class, PlacementCommand.class, JourneyCommand.class, DecideCommand.class,
      AudienceCommand.class, DestinationCommand.class, CampaignCommand.class,
      RecommendCommand.class, EmailCommand.class, LookalikeCommand.class, TraitsCommand.class, BreakdownCommand.class, SurveyCommand.class,
      ImportSurveyCommand.class, GenerateCommand.class, StatsCommand.class, ProfileCommand.class,
      ReviewCommand.class,
      ExportStoreCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // picocli looks for Groovy's Closure class when it first builds a command: a miss that reads every jar of the
    // class path on each call. Segmenta's annotations hold no closures.
    System.setProperty("picocli.disable.closures", "true");
    // DuckDB's native library is mapped and linked beside picocli's reading of the command line, not in the first
    // connection: ~30 ms of every call that opens a store (docs/BENCHMARKS.md, "email preview under a second").
    Thread duckDb = new Thread(Main::loadDuckDb, "duckdb-load");
    duckDb.setDaemon(true);
    duckDb.start();
    PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), true, UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, UTF_8);
    System.setOut(out);
    System.setErr(err);
    System.exit(run(Utf8Arguments.of(args), new PrintWriter(new OutputStreamWriter(out, UTF_8), true), new PrintWriter(new OutputStreamWriter(err, UTF_8), true)));
  }

  private static void loadDuckDb() {
    try {
      Class.forName("org.duckdb.DuckDBNative");
    } catch (ClassNotFoundException | LinkageError e) {
      // The first connection loads it again and reports what is wrong.
    }
  }

  /** Runs the command line with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new CommandList());
    cl.setExecutionExceptionHandler(new Failures(err));
    cl.setParameterExceptionHandler(new Mistakes(err));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  // The handlers are classes, not lambdas: a lambda implementing one of picocli's interfaces (compiled for Java 5) is
  // linked when the class-data archive is dumped, and that keeps picocli's CommandLine, its largest class, out of the
  // archive ("Old class has been linked"); every call then parsed and verified it again.

  /** A user's mistake as one line (exit 2); a fault as one line, with its stack trace only under SEGMENTA_DEBUG=1 (exit 3). */
  private static final class Failures implements CommandLine.IExecutionExceptionHandler {
    private final PrintWriter err;

    Failures(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
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
    }
  }

  /** A mistake on the command line: picocli's message and where to read more (exit 2). */
  private static final class Mistakes implements CommandLine.IParameterExceptionHandler {
    private final PrintWriter err;

    Mistakes(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
      err.println("segmenta: " + e.getMessage());
      // A mistyped command or option: picocli's nearest names ("Did you mean: segment?").
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      CommandLine c = e.getCommandLine();
      err.println("try '" + c.getCommandSpec().qualifiedName() + " --help'");
      return 2;
    }
  }

  /** {@link #commandList}, as the help's section renderer. */
  private static final class CommandList implements CommandLine.IHelpSectionRenderer {
    @Override
    public String render(Help help) {
      return commandList(help);
    }
  }

  /** The command line with the command {@code args} name, or with every command (for help, or a mistyped name). */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    for (Class<?> c : COMMANDS) {
      Command a = c.getAnnotation(Command.class);
      if (a.name().equals(first) || Arrays.asList(a.aliases()).contains(first)) {
        return cl.addSubcommand(c);
      }
    }
    COMMANDS.forEach(cl::addSubcommand);
    return cl.addSubcommand(CommandLine.HelpCommand.class);
  }

  /**
   * The list of commands with each one's first sentence, wrapped; picocli's own list shows only the first line of
   * a description, which cuts multi-line descriptions mid-sentence.
   */
  static String commandList(Help help) {
    Map<String, Help> subs = help.subcommands();
    if (subs.isEmpty()) {
      return "";
    }
    int nameWidth = 2 + subs.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    int width = help.commandSpec().usageMessage().width();
    TextTable table = TextTable.forColumns(help.colorScheme(),
        new Column(nameWidth, 2, Column.Overflow.SPAN), new Column(width - nameWidth, 1, Column.Overflow.WRAP));
    subs.forEach((name, sub) -> table.addRowValues(name, firstSentence(String.join(" ", sub.commandSpec().usageMessage().description()))));
    return table.toString();
  }

  /**
   * Up to the first full stop that ends a sentence (followed by a space or the end), or the whole text. Not a stop:
   * one after an abbreviation, the dots of an ellipsis ("Champions ... Lost"), or one inside parentheses.
   */
  static String firstSentence(String text) {
    String t = text.replace("%n", " ").replace("%%", "%").replaceAll("\\s+", " ").trim();
    for (int i = t.indexOf(". "); i >= 0; i = t.indexOf(". ", i + 1)) {
      String before = t.substring(0, i);
      boolean ellipsis = before.endsWith(".");
      boolean inParentheses = before.chars().filter(c -> c == '(').count() > before.chars().filter(c -> c == ')').count();
      if (!ellipsis && !inParentheses && !before.endsWith("e.g") && !before.endsWith("i.e") && !before.endsWith("vs") && !before.endsWith("etc")) {
        return before + ".";
      }
    }
    return t;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
