package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Every command's --help as a user reads it: no picocli warnings, every positional described, nothing cut. */
class HelpTest {
  record Result(int code, String out, String err) {}

  static Result run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
    into.add(path);
    cl.getSubcommands().forEach((name, sub) -> {
      if (!name.equals(sub.getCommandName()) || name.equals("help")) {
        return; // an alias, or picocli's help command
      }
      List<String> p = new ArrayList<>(path);
      p.add(name);
      walk(sub, p, into);
    });
  }

  @Test
  void help_everyCommandWithoutWarningsAndWithDescribedPositionals() {
    List<List<String>> commands = new ArrayList<>();
    walk(Main.commandLine(new String[0]), List.of(), commands);
    assertTrue(commands.size() > 30, "walked " + commands.size() + " commands");
    List<String> problems = new ArrayList<>();
    for (List<String> path : commands) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      // picocli prints its warnings on System.err through its tracer, not on the command's err writer
      ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
      PrintStream old = System.err;
      System.setErr(new PrintStream(sysErr, true));
      Result r;
      try {
        r = run(args);
      } finally {
        System.setErr(old);
      }
      String all = r.out() + r.err() + sysErr;
      String name = String.join(" ", path);
      if (r.code() != 0) {
        problems.add(name + ": exit " + r.code());
      }
      if (all.contains("WARN")) {
        problems.add(name + ": " + all.lines().filter(l -> l.contains("WARN")).findFirst().orElseThrow());
      }
      CommandSpec spec = Main.commandLine(new String[0]).getCommandSpec();
      for (String p : path) {
        spec = spec.subcommands().get(p).getCommandSpec();
      }
      for (PositionalParamSpec pp : spec.positionalParameters()) {
        if (String.join("", pp.description()).isBlank()) {
          problems.add(name + ": positional " + pp.paramLabel() + " has no description");
        } else if (!r.out().contains(pp.description()[0].replace("%%", "%").substring(0, Math.min(20, pp.description()[0].length())))) {
          problems.add(name + ": positional " + pp.paramLabel() + "'s description is not shown");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void help_topLevelListEndsEveryDescriptionWithAFullSentence() {
    Result r = run(List.of("--help"));
    assertEquals(0, r.code(), r.err());
    String list = r.out().substring(r.out().indexOf("Commands:"));
    // Entries start at column 2; their continuation lines are indented further. Join each entry and check its end.
    List<String> entries = new ArrayList<>();
    for (String line : list.lines().skip(1).toList()) {
      if (line.matches("  \\S.*")) {
        entries.add(line.trim());
      } else if (!entries.isEmpty()) {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.trim());
      }
    }
    assertTrue(entries.size() > 15, list);
    for (String e : entries) {
      assertTrue(e.endsWith(".") || e.endsWith(".)") || e.startsWith("help "), "cut: " + e);
      assertFalse(e.endsWith("...") || e.endsWith(".. ."), "cut at an ellipsis: " + e);
      assertEquals(e.chars().filter(c -> c == '(').count(), e.chars().filter(c -> c == ')').count(), "cut inside parentheses: " + e);
    }
    assertTrue(r.out().contains("value") && r.out().contains("the overlap between segments."), r.out());
  }

  @Test
  void mistypedCommandOrOption_suggestsTheNearestName() {
    Result command = run(List.of("segmnt", "list"));
    assertEquals(2, command.code());
    assertTrue(command.err().contains("Did you mean") && command.err().contains("segment"), command.err());
    Result option = run(List.of("segment", "count", "orders >= 1", "--as-off", "latest"));
    assertEquals(2, option.code());
    assertTrue(option.err().contains("--as-of"), option.err());
  }

  @Test
  void firstSentence_stopsAtTheFirstFullStopNotAtAbbreviations() {
    assertEquals("Score things, e.g. RFM.", Main.firstSentence("Score things, e.g. RFM. Then more."));
    assertEquals("No stop at all", Main.firstSentence("No stop   at all"));
    assertEquals("Store named groups (Champions ... Lost) with their as-of.",
        Main.firstSentence("Store named groups (Champions ... Lost) with their as-of. Recency: days."));
    assertEquals("Groups (a. b. c) and more.", Main.firstSentence("Groups (a. b. c) and more. Then."));
  }
}
