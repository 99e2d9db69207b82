package io.segmenta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.UserException;
import io.segmenta.core.personalize.Interests;
import io.segmenta.core.personalize.Personalizer;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.store.Store;
import io.segmenta.core.segment.Segments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "placement", mixinStandardHelpOptions = true,
    description = {"Placements of the decision API: where content is shown (home hero, product banner, e-mail block), the contents",
        "that compete for it with their rules, the strategy that picks one, and the fallback. See docs/personalization.md."},
    subcommands = {PlacementCommand.Create.class, PlacementCommand.ListPlacements.class, PlacementCommand.Show.class, PlacementCommand.Delete.class})
final class PlacementCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create or replace a placement from a JSON file; its rules are checked first.")
  static final class Create extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The placement as JSON.")
    Path file;

    @Override
    public Integer call() {
      String json;
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UserException("cannot read " + file + ": " + e.getMessage());
      }
      Placement p;
      try {
        p = PlacementJson.parse(json);
      } catch (UserException e) {
        throw new UserException(file + ": " + e.getMessage());
      }
      try (Store s = store.open()) {
        List<Placement> all = new ArrayList<>(s.placementDefinitions().all().stream().filter(x -> !x.key().equals(p.key())).toList());
        all.add(p);
        Personalizer compiled = Personalizer.compile(all, s.catalog().schema(), new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).resolver(), s.experimentDefinitions()::find,
            Interests.DEFAULT_HALF_LIFE);
        s.placementDefinitions().save(p);
        spec.commandLine().getOut().printf("saved placement %s: %d contents, strategy %s; decisions read traits %s and segments %s%n", p.key(),
            p.contents().size(), p.strategy().label(), compiled.traits(), compiled.segments().keySet());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List placements.")
  static final class ListPlacements extends StoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      try (Store s = store.open()) {
        for (Placement p : s.placementDefinitions().all()) {
          rows.add(List.of(p.key(), p.strategy().label(), String.join(", ", p.contents().stream().map(c -> c.key()).toList()), p.fallback().key(),
              Output.percent(p.holdout())));
        }
      }
      Charts.table(spec.commandLine().getOut(), List.of("placement", "strategy", "contents", "fallback", "holdout"), rows);
      return 0;
    }
  }

  abstract static class OnPlacement extends KeyedCommand {
    static Placement require(Store s, String key) {
      return s.placementDefinitions().find(key).orElseThrow(() -> new UserException("there is no placement '" + key + "'"
          + (s.placementDefinitions().all().isEmpty() ? "; create one with 'segmenta placement create FILE'" : "; known: " + s.placementDefinitions().all().stream().map(Placement::key).toList())));
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a placement as JSON.")
  static final class Show extends OnPlacement implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.open()) {
        Output.json(spec.commandLine().getOut(), new ObjectMapper().convertValue(PlacementJson.toJson(require(s, key)), Map.class));
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a placement.")
  static final class Delete extends OnPlacement implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.open()) {
        require(s, key);
        s.placementDefinitions().delete(key);
        spec.commandLine().getOut().println("deleted placement " + key);
      }
      return 0;
    }
  }
}
