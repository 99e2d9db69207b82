package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Run;
import io.segmenta.core.destination.json.DestinationJson;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.server.DestinationSyncs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "destination", mixinStandardHelpOptions = true,
    description = {"Destinations: a segment synced to a channel (meta, google, mailchimp, csv, webhook, file) by diff, with consent",
        "per purpose, retries and a history. Secrets come from the environment variables a destination names."},
    subcommands = {DestinationCommand.Add.class, DestinationCommand.ListDestinations.class, DestinationCommand.Sync.class,
        DestinationCommand.History.class})
final class DestinationCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Save a destination from its JSON file (replacing one of the same key).")
  static final class Add extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The destination as JSON.")
    Path file;

    @Override
    public Integer call() {
      Destination d;
      try {
        d = DestinationJson.parse(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UserException("cannot read " + file + ": " + e.getMessage());
      } catch (UserException e) {
        throw new UserException(file + ": " + e.getMessage());
      }
      try (Store s = store.open()) {
        if (s.segmentDefinitions().find(d.segment()).isEmpty()) {
          throw new UserException("destination " + d.key() + ": there is no saved segment '" + d.segment() + "'");
        }
        s.destinationDefinitions().save(d);
      }
      spec.commandLine().getOut().printf("saved destination %s: segment %s to %s%s%n", d.key(), d.segment(), d.kind().label(),
          d.exclusion() ? " (exclusion audience)" : "");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List destinations with their last run.")
  static final class ListDestinations extends StoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = store.open()) {
        List<Destination> all = s.destinationDefinitions().all();
        if (all.isEmpty()) {
          out.println("no destinations");
        }
        for (Destination d : all) {
          List<Run> last = s.destinationRuns().runs(d.key(), 1);
          out.printf("%-24s %-10s %-20s %-16s %s%s%n", d.key(), d.kind().label(), d.segment(), d.purpose().label(),
              d.exclusion() ? "exclusion " : "", last.isEmpty() ? "never synced" : line(last.get(0)));
        }
      }
      return 0;
    }
  }

  @Command(name = "sync", mixinStandardHelpOptions = true, description = "Sync a destination now: only the adds and removes since its last sync.")
  static final class Sync extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "The destination.")
    String key;

    @Option(names = "--dry-run", description = "Report counts and examples without sending or changing anything.")
    boolean dryRun;

    @Override
    public Integer call() {
      Run r;
      try (Store s = store.open()) {
        Destination d = s.destinationDefinitions().find(key).orElseThrow(() -> new UserException("there is no destination '" + key + "'"));
        r = DestinationSyncs.of(s, Clock.systemUTC(), DuckDb::csvToParquet).sync(d, dryRun);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(line(r));
      if (dryRun) {
        out.println("  would add, e.g.: " + String.join(", ", r.addExamples()));
        out.println("  would remove, e.g.: " + String.join(", ", r.removeExamples()));
      }
      return r.status() == Run.Status.FAILED ? 3 : 0;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "The runs of a destination, newest first.")
  static final class History extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "The destination.")
    String key;

    @Option(names = "--limit", defaultValue = "20", description = "How many runs (default 20).")
    int limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = store.open()) {
        s.destinationDefinitions().find(key).orElseThrow(() -> new UserException("there is no destination '" + key + "'"));
        for (Run r : s.destinationRuns().runs(key, limit)) {
          out.println(r.startedAt() + "  " + line(r));
        }
      }
      return 0;
    }
  }

  static String line(Run r) {
    return String.format("%s: %s, %,d members, %,d added, %,d removed, %,d failed, %d attempt(s)%s", r.destination(),
        r.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), r.members(), r.added(), r.removed(), r.failed(), r.attempts(),
        r.reason() == null ? "" : " (" + r.reason() + ")");
  }
}
