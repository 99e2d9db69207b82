package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyCheck;
import io.segmenta.core.journey.JourneyReport;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.journey.json.JourneyReportJson;
import io.segmenta.core.journey.json.JourneyTemplates;
import io.segmenta.stats.TestResult;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "journey", mixinStandardHelpOptions = true,
    description = {"Journeys: a trigger (event, segment entry or exit, date trait, schedule), steps (waits, branches, a split with a",
        "holdout, e-mail, webhook, set trait, exit), a goal, exit rules, re-entry, frequency caps and quiet hours, kept as JSON in",
        "version control. The server runs them. See docs/journeys.md."},
    subcommands = {JourneyCommand.Check.class, JourneyCommand.Save.class, JourneyCommand.ListJourneys.class, JourneyCommand.Activate.class,
        JourneyCommand.Pause.class, JourneyCommand.Status.class, JourneyCommand.Templates.class})
final class JourneyCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Journey read(Path file) {
    try {
      return JourneyJson.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new UserException("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new UserException("cannot read " + file + ": " + e.getMessage());
    } catch (UserException e) {
      throw new UserException(file + ": " + e.getMessage());
    }
  }

  static List<String> problems(Store s, Journey j) {
    return new JourneyCheck(s.catalog().schema(), new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()),
        s.segmentDefinitions(), s.destinationDefinitions()).problems(j);
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "Check a journey file against the store: each problem names its step.")
  static final class Check extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The journey as JSON.")
    Path file;

    @Override
    public Integer call() {
      Journey j = read(file);
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = store.open()) {
        List<String> p = problems(s, j);
        if (!p.isEmpty()) {
          throw new UserException(file + ": " + p.size() + " problem(s):\n  " + String.join("\n  ", p));
        }
      }
      out.printf("journey %s is fine: %d steps%n", j.key(), j.steps().size());
      return 0;
    }
  }

  @Command(name = "save", mixinStandardHelpOptions = true, description = "Check a journey file and save it; its version grows when it changed.")
  static final class Save extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The journey as JSON.")
    Path file;

    @Override
    public Integer call() {
      Journey j = read(file);
      try (Store s = store.open()) {
        List<String> p = problems(s, j);
        if (!p.isEmpty()) {
          throw new UserException(file + ": " + p.size() + " problem(s), nothing saved:\n  " + String.join("\n  ", p));
        }
        Optional<Journey> old = s.journeyDefinitions().find(j.key());
        Journey saved = j.savedOver(old);
        s.journeyDefinitions().save(saved);
        spec.commandLine().getOut().printf("saved journey %s, version %d%s%n", saved.key(), saved.version(),
            old.isPresent() && old.get().version() == saved.version() ? " (unchanged)" : "");
      }
      return 0;
    }
  }

  static Journey existing(Store s, String key) {
    return s.journeyDefinitions().find(key).orElseThrow(() -> new UserException("there is no journey '" + key + "'; see segmenta journey list"));
  }

  @Command(name = "activate", mixinStandardHelpOptions = true, description = "Check a saved journey again and let it take entries and steps.")
  static final class Activate extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "The journey's key.")
    String key;

    @Override
    public Integer call() {
      try (Store s = store.open()) {
        Journey j = existing(s, key);
        List<String> p = problems(s, j);
        if (!p.isEmpty()) {
          throw new UserException("journey " + key + " has " + p.size() + " problem(s), not activated:\n  " + String.join("\n  ", p));
        }
        s.journeyLog().pause(key, false);
      }
      spec.commandLine().getOut().printf("journey %s is active; the server runs it (segmenta serve): events, segment changes and schedules enter people there%n", key);
      return 0;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause a journey: no entries and no steps; its runs wait where they are until it is activated again.")
  static final class Pause extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "The journey's key.")
    String key;

    @Override
    public Integer call() {
      try (Store s = store.open()) {
        existing(s, key);
        s.journeyLog().pause(key, true);
      }
      spec.commandLine().getOut().printf("journey %s is paused%n", key);
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = {"A journey measured: entered, in progress, sent, skipped by",
      "reason, goal, net revenue after entry within the window, and lift against the holdout with 95 %% intervals."})
  static final class Status extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "The journey's key.")
    String key;

    @CommandLine.Option(names = "--window", defaultValue = "P30D", description = "Revenue and conversion after entry within (ISO-8601, default P30D).")
    String window;

    @CommandLine.Option(names = "--json", description = "Print the report as JSON (as GET /admin/journeys/{key}/status).")
    boolean json;

    @Override
    public Integer call() {
      Duration w;
      try {
        w = Duration.parse(window);
      } catch (DateTimeParseException e) {
        throw new UserException("--window must be an ISO-8601 duration like P30D, got '" + window + "'");
      }
      if (w.isNegative() || w.isZero()) {
        throw new UserException("--window must be positive, got '" + window + "'");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = store.open()) {
        Journey j = existing(s, key);
        JourneyReport.Report r = JourneyReport.of(j, s.journeyLog(), w);
        boolean paused = s.journeyLog().paused(key);
        if (json) {
          out.println(JourneyReportJson.toJson(r).put("state", paused ? "paused" : "active").toPrettyString());
          return 0;
        }
        out.printf("journey %s, version %d, %s%n", key, j.version(), paused ? "paused" : "active");
        out.printf("entered %,d, in progress %,d, sent %,d, reached the goal %,d, held out %,d%n", r.entered(), r.inProgress(), r.sent(), r.goal(),
            r.heldOut());
        out.printf("net revenue within %s of entry: %,.2f%n", w.toHours() % 24 == 0 ? w.toDays() + " days" : w.toString(), r.revenue());
        if (r.entered() == 0 && !paused) {
          out.println("nobody has entered yet: active journeys run inside segmenta serve");
        }
        List<List<String>> rows = new ArrayList<>();
        r.steps().forEach((k, v) -> rows.add(List.of(k, String.format("%,d", v))));
        Charts.table(out, List.of("step/outcome", "count"), rows);
        if (r.conversion() != null) {
          out.printf("holdout %d %%: treated %,d entries (conversion %s, revenue per entry %s), held out %,d (conversion %s, revenue per entry %s)%n",
              r.holdoutPercent(), r.treatment().entries(), pct(r.treatment().conversionRate()), money(r.treatment().revenuePerEntry()),
              r.holdout().entries(), pct(r.holdout().conversionRate()), money(r.holdout().revenuePerEntry()));
          out.println("conversion lift: " + lift(r.conversion().relative()));
          out.println("revenue per entry lift: " + lift(r.revenuePerEntry().relative()));
        } else {
          out.println("no holdout split: add {\"split\": {\"holdout\": 10}} to measure lift");
        }
      }
      return 0;
    }

    private static String pct(double v) {
      return Double.isFinite(v) ? String.format("%.1f %%", 100 * v) : "-";
    }

    private static String money(double v) {
      return Double.isFinite(v) ? String.format("%,.2f", v) : "-";
    }

    private static String lift(TestResult t) {
      if (!t.ok()) {
        return t.diagnostic();
      }
      return String.format("%+.1f %% (95 %% interval %+.1f %% to %+.1f %%, p = %.3f)", 100 * t.estimate(), 100 * t.ciLow(), 100 * t.ciHigh(), t.pValue());
    }
  }

  @Command(name = "templates", mixinStandardHelpOptions = true, description = {"The built-in journeys for the three flows: post_purchase,",
      "lapsed_reengagement, loyalty_most_valuable. Prints one (--print KEY), or saves them all (--install) with the segments they need."})
  static final class Templates extends StoreCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--print", paramLabel = "KEY", description = "Print the template's JSON, to edit and save.")
    String print;

    @CommandLine.Option(names = "--install", description = "Save the missing segments they need, then check and save the three journeys.")
    boolean install;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (print != null) {
        out.print(JourneyTemplates.text(print).orElseThrow(() -> new UserException("no built-in journey '" + print + "'; known: " + JourneyTemplates.KEYS)));
        return 0;
      }
      if (!install) {
        JourneyTemplates.KEYS.forEach(k -> out.println(k + ": " + JourneyTemplates.journey(k).description()));
        return 0;
      }
      try (Store s = store.open()) {
        Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
        for (Map.Entry<String, String> e : JourneyTemplates.SEGMENTS.entrySet()) {
          if (s.segmentDefinitions().find(e.getKey()).isEmpty()) {
            segments.save(e.getKey(), e.getValue(), "needed by the built-in journeys");
            out.printf("saved segment %s: %s%n", e.getKey(), e.getValue());
          }
        }
        for (String k : JourneyTemplates.KEYS) {
          Journey j = JourneyTemplates.journey(k);
          List<String> p = problems(s, j);
          if (!p.isEmpty()) {
            throw new UserException("built-in journey " + k + " has " + p.size() + " problem(s) in this store:\n  " + String.join("\n  ", p));
          }
          Journey saved = j.savedOver(s.journeyDefinitions().find(k));
          s.journeyDefinitions().save(saved);
          out.printf("saved journey %s, version %d%n", k, saved.version());
        }
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List journeys with their counts per step and outcome.")
  static final class ListJourneys extends StoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      try (Store s = store.open()) {
        for (Journey j : s.journeyDefinitions().all()) {
          List<String> counts = new ArrayList<>();
          for (Map.Entry<String, Long> c : s.journeyLog().counts(j.key()).entrySet()) {
            counts.add(c.getKey() + " " + c.getValue());
          }
          rows.add(List.of(j.key(), Integer.toString(j.version()), s.journeyLog().paused(j.key()) ? "paused" : "active", j.steps().size() + "",
              String.join(", ", counts)));
        }
      }
      Charts.table(spec.commandLine().getOut(), List.of("journey", "version", "state", "steps", "counts"), rows);
      return 0;
    }
  }
}
