package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyCheck;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "journey", mixinStandardHelpOptions = true,
    description = {"Journeys: a trigger, steps (wait, branch, split with a holdout, send an e-mail, exit), a goal, exit rules,",
        "re-entry and frequency caps, kept as JSON in version control. The server runs them. See docs/journeys.md."},
    subcommands = {JourneyCommand.Check.class, JourneyCommand.Save.class, JourneyCommand.ListJourneys.class})
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
    } catch (IOException e) {
      throw new UserException("cannot read " + file + ": " + e.getMessage());
    } catch (UserException e) {
      throw new UserException(file + ": " + e.getMessage());
    }
  }

  static List<String> problems(Store s, Journey j) {
    return new JourneyCheck(s.catalog().schema(), new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()),
        s.segmentDefinitions()).problems(j);
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
          rows.add(List.of(j.key(), Integer.toString(j.version()), j.steps().size() + "", String.join(", ", counts)));
        }
      }
      Charts.table(spec.commandLine().getOut(), List.of("journey", "version", "steps", "counts"), rows);
      return 0;
    }
  }
}
