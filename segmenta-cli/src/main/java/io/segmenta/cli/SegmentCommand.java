package io.segmenta.cli;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.UserException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.TypeChecker;
import io.segmenta.core.rule.Window;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.segment.BeforeSaving;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import java.util.concurrent.Callable;
import picocli.CommandLine;

@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Write, check and run segments. RULE is a rule in the text syntax (docs/rule-language.md), a JSON rule, or the name of a saved segment."},
    subcommands = {SegmentCommand.Check.class, SegmentCommand.Explain.class, SegmentCommand.Count.class, SegmentCommand.Members.class,
        SegmentCommand.Preview.class, SegmentExportCommand.class, SegmentCommand.Save.class, SegmentCommand.ListSegments.class, SegmentCommand.Delete.class,
        SegmentWhyCommand.class, HistoryCommand.Show.class, HistoryCommand.Recompute.class})
final class SegmentCommand implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand that runs a rule shares. */
  abstract static class RuleCommand {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--as-of", description = "The instant the rule is evaluated at: now, latest (the newest event), a date or an ISO instant; default now, or latest when the newest event is over 30 days old.")
    String asOf;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** What a subcommand does with the open store, the resolved rule and the as-of instant. */
    @FunctionalInterface
    interface RuleAction {
      void run(Store store, Rule rule, Instant asOf) throws IOException;
    }

    /** What {@link #withRule} resolved, for the result's "as of" line. */
    StoreOptions.AsOf resolved;

    /** "as of 2011-12-09T12:50:00Z (latest event)", inside {@link #withRule}. */
    String asOfLine() {
      return Output.asOf(resolved);
    }

    /** Opens the store, resolves RULE (a saved name, text or JSON) and the as-of instant, and runs the action. */
    int withRule(String rule, RuleAction action) throws IOException {
      try (Store s = store.openReadOnly()) {
        Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
        Rule r = segments.ruleOf(rule);
        resolved = StoreOptions.resolve(asOf, s);
        Instant at = resolved.instant();
        PrintWriter err = spec.commandLine().getErr();
        Output.warnings(err, segments.warnings(r));
        Output.notes(err, segments.scoreNotes(r, at));
        Output.notes(err, EmptyWindows.notes(r, at, s.profiles()::stats, segments.resolver()));
        action.run(s, r, at);
      }
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "Parse and type-check a rule; print its canonical text and JSON.")
  static final class Check extends RuleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RULE", description = "A rule in the text form, e.g. 'country = \"DK\" and count(order in last 90 days) >= 2', its JSON form, or a saved segment's name.")
    String rule;

    @Option(names = "--preview", description = "Also show, before saving: the size after each top-level condition (a funnel), the size reachable per consent purpose, and the cost (rows scanned, time); sampled above "
        + "100,000 profiles, and said so.")
    boolean preview;

    @Override
    public Integer call() {
      try (Store s = store.openReadOnlyOrCreate()) {
        Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
        ParsedRule p = segments.check(rule);
        out().println("ok: " + RuleText.print(p.rule()));
        Output.warnings(spec.commandLine().getErr(), segments.warnings(p.rule()));
        out().println("json: " + RuleJson.print(p.rule()));
        if (preview) {
          resolved = StoreOptions.resolve(asOf, s);
          PreviewOutput.print(out(), BeforeSaving.of(s.audiences(), s.profiles().stats().profiles(), p.rule(), resolved.instant()), asOfLine());
        }
      }
      return 0;
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true, description = "Show how a rule reads, which time windows it covers, and the SQL it runs as.")
  static final class Explain extends RuleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RULE", description = "A rule in the text form, e.g. 'country = \"DK\" and count(order in last 90 days) >= 2', its JSON form, or a saved segment's name.")
    String rule;

    @Override
    public Integer call() throws IOException {
      return withRule(rule, (s, r, at) -> {
        PrintWriter out = out();
        out.println("rule:   " + RuleText.print(r));
        out.println(asOfLine());
        out.println("reads as:");
        describe(out, r, at, "  ");
        out.println("json:   " + RuleJson.print(r));
        out.println("sql:");
        out.println("  " + s.audiences().explain(r, at).replace("\n", "\n  "));
      });
    }

    private static void describe(PrintWriter out, Rule r, Instant at, String indent) {
      if (r instanceof Rule.And a) {
        out.println(indent + (a.rules().isEmpty() ? "everyone" : "all of:"));
        a.rules().forEach(x -> describe(out, x, at, indent + "  "));
      } else if (r instanceof Rule.Or o) {
        out.println(indent + (o.rules().isEmpty() ? "everyone" : "any of:"));
        o.rules().forEach(x -> describe(out, x, at, indent + "  "));
      } else if (r instanceof Rule.Nor n) {
        out.println(indent + "none of:");
        n.rules().forEach(x -> describe(out, x, at, indent + "  "));
      } else if (r instanceof Rule.Not n) {
        out.println(indent + "not:");
        describe(out, n.rule(), at, indent + "  ");
      } else if (r instanceof Rule.MeasureRule m) {
        out.println(indent + RuleText.print(r));
        windows(out, m.measure(), at, indent + "  ");
      } else {
        out.println(indent + RuleText.print(r));
      }
    }

    private static void windows(PrintWriter out, Measure m, Instant at, String indent) {
      if (m instanceof Measure.Ratio ratio) {
        windows(out, ratio.numerator(), at, indent);
        windows(out, ratio.denominator(), at, indent);
        return;
      }
      Measure.Aggregate a = (Measure.Aggregate) m;
      Window.Interval i = a.window().resolve(at);
      out.println(indent + a.fn().label() + " over " + a.eventType() + " events from " + (i.from() == null ? "the beginning" : i.from())
          + " until " + i.until() + " (exclusive)" + (a.fn().needsProperty ? "" : "") + (isZeroWhenEmpty(a.fn()) ? "; 0 when there are none" : "; missing when there are none"));
    }

    private static boolean isZeroWhenEmpty(Measure.Fn fn) {
      return fn == Measure.Fn.COUNT || fn == Measure.Fn.SUM || fn == Measure.Fn.COUNT_DISTINCT;
    }
  }

  @Command(name = "count", mixinStandardHelpOptions = true, description = "How many profiles a rule selects.")
  static final class Count extends LakeRuleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RULE", description = "A rule in the text form, e.g. 'country = \"DK\" and count(order in last 90 days) >= 2', its JSON form, or a saved segment's name.")
    String rule;

    @Override
    public Integer call() throws IOException {
      if (engine.onLake()) {
        return withLakeRule(rule, (lake, r, at) -> print(lake.audiences().run(new AudienceQuery.Count(r, at)), lake.profileCount()));
      }
      return withRule(rule, (s, r, at) -> {
        print(s.audiences().run(new AudienceQuery.Count(r, at)), s.profiles().stats().profiles());
      });
    }

    private void print(long n, long all) {
      out().printf("%,d of %,d profiles (%.1f%%) %s%n", n, all, all == 0 ? 0.0 : 100.0 * n / all, asOfLine());
    }
  }

  @Command(name = "preview", mixinStandardHelpOptions = true,
      description = "A quick size estimate while writing a rule: exact on small stores, from a fixed 1-in-10 sample above 100,000 profiles.")
  static final class Preview extends RuleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RULE", description = "A rule in the text form, e.g. 'country = \"DK\" and count(order in last 90 days) >= 2', its JSON form, or a saved segment's name.")
    String rule;

    @Override
    public Integer call() throws IOException {
      return withRule(rule, (s, r, at) -> {
        long all = s.profiles().stats().profiles();
        if (all <= 100_000) {
          long n = s.audiences().run(new AudienceQuery.Count(r, at));
          out().printf("%,d of %,d profiles (%.1f%%), exact, %s%n", n, all, all == 0 ? 0.0 : 100.0 * n / all, asOfLine());
          return;
        }
        long estimate = s.audiences().run(new AudienceQuery.Sample(r, at, 10));
        double p = Math.min(1, (double) estimate / all);
        // Binomial standard error of the sampled share, scaled back: a 95% interval.
        double half = 1.96 * Math.sqrt(p * (1 - p) / (all / 10.0)) * all;
        out().printf("about %,d of %,d profiles (%.1f%%), +/- %,d (95%%; a 1-in-10 sample), %s%n", estimate, all, 100 * p, Math.round(half), asOfLine());
      });
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true, description = "List member profile ids, a page at a time.")
  static final class Members extends LakeRuleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RULE", description = "A rule in the text form, e.g. 'country = \"DK\" and count(order in last 90 days) >= 2', its JSON form, or a saved segment's name.")
    String rule;

    @Option(names = "--limit", defaultValue = "50", description = "How many (default 50).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "How many to skip first.")
    long offset;

    @Override
    public Integer call() throws IOException {
      if (limit < 1 || offset < 0) {
        throw new UserException("--limit must be at least 1 and --offset at least 0, got " + limit + " and " + offset);
      }
      // The ids alone go to standard output (a program reads them); the instant goes to standard error.
      if (engine.onLake()) {
        return withLakeRule(rule, (lake, r, at) -> {
          spec.commandLine().getErr().println("members " + asOfLine());
          lake.audiences().run(new AudienceQuery.Page(r, at, offset, limit)).forEach(out()::println);
        });
      }
      return withRule(rule, (s, r, at) -> {
        spec.commandLine().getErr().println("members " + asOfLine());
        s.audiences().run(new AudienceQuery.Page(r, at, offset, limit)).forEach(out()::println);
      });
    }
  }

  @Command(name = "save", mixinStandardHelpOptions = true,
      description = {"Save a segment under a name (replacing one of that name), or every segment of a file with --file.",
          "A segment file holds one 'name: rule' a line; a line starting with a space continues the rule above, '#' starts a comment.",
          "All of a file's rules are checked (they may refer to each other) before any is saved, in one store open."})
  static final class Save extends RuleCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The segment's name: lower-case letters, digits, '_' or '-'.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RULE", description = "The rule, in the text syntax or as JSON.")
    String rule;

    @Option(names = "--description", defaultValue = "", description = "What the segment is for (NAME RULE only).")
    String description;

    @Option(names = "--file", paramLabel = "FILE", description = "Save every segment of FILE ('name: rule' lines, UTF-8).")
    Path file;

    @Override
    public Integer call() {
      if (file != null) {
        if (name != null || rule != null) {
          throw new UserException("give NAME RULE or --file FILE, not both");
        }
        return saveFile();
      }
      if (name == null || rule == null) {
        throw new UserException("segment save needs NAME and RULE, or --file FILE");
      }
      try (Store s = store.open()) {
        Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
        SegmentDefinition d = segments.save(name, rule, description);
        out().println("saved " + d.name() + ": " + d.rule());
        Output.warnings(spec.commandLine().getErr(), segments.warnings(RuleText.parseRule(d.rule())));
      }
      return 0;
    }

    private int saveFile() {
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
      } catch (CharacterCodingException e) {
        throw new UserException("cannot read " + file + ": it is not UTF-8 text");
      } catch (IOException e) {
        throw new UserException("cannot read " + file + ": " + e.getMessage());
      }
      String source = file.getFileName().toString();
      List<SegmentFile.Entry> entries = SegmentFile.parse(source, text);
      if (entries.isEmpty()) {
        throw new UserException(file + " holds no segments; write one 'name: rule' a line");
      }
      try (Store s = store.open()) {
        Map<String, Rule> inFile = SegmentFile.byName(entries);
        SegmentResolver stored = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).resolver();
        SegmentResolver resolver = n -> inFile.containsKey(n) ? Optional.of(inFile.get(n)) : stored.find(n);
        TypeChecker checker = new TypeChecker(s.catalog().schema(), resolver);
        for (SegmentFile.Entry e : entries) {
          try {
            checker.check(e.name(), e.parsed());
          } catch (RuleException ex) {
            throw SegmentFile.located(source, e.name(), e.line(), e.offset(), ex);
          }
        }
        Instant now = Clock.systemUTC().instant();
        for (SegmentFile.Entry e : entries) {
          String kept = s.segmentDefinitions().find(e.name()).map(SegmentDefinition::description).orElse("");
          // Saved as checked: bare identifier names written out (email exists -> identifier.email exists).
          Rule resolved = IdentifierField.resolve(e.rule(), s.catalog().schema());
          s.segmentDefinitions().save(new SegmentDefinition(e.name(), RuleText.print(resolved), kept, now));
          Output.warnings(spec.commandLine().getErr(), IdentifierField.shadowed(resolved, s.catalog().schema()));
        }
        out().printf("saved %d segments from %s: %s%n", entries.size(), source, String.join(", ", inFile.keySet()));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List saved segments with their sizes.")
  static final class ListSegments extends RuleCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.openReadOnly()) {
        resolved = StoreOptions.resolve(asOf, s);
        Instant at = resolved.instant();
        out().println("saved segments " + asOfLine());
        // All sizes in one scan of the events (segmentTotals), not one query per segment: a shop with 13 saved
        // segments paid 13 scans of its events on every call.
        List<SegmentDefinition> saved = s.segmentDefinitions().all();
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (SegmentDefinition d : saved) {
          rules.put(d.name(), RuleText.parseRule(d.rule()));
        }
        SegmentTotals sizes = rules.isEmpty() ? null : s.audiences().segmentTotals(rules, at, List.of(), List.of());
        List<List<String>> rows = new ArrayList<>();
        for (SegmentDefinition d : saved) {
          rows.add(List.of(d.name(), String.format("%,d", sizes.totals().get(d.name()).members()), d.rule()));
        }
        Charts.table(out(), List.of("segment", "members", "rule"), rows);
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a saved segment.")
  static final class Delete extends RuleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The saved segment's name.")
    String name;

    @Override
    public Integer call() {
      try (Store s = store.open()) {
        // No server runs beside the CLI (the store's file is its own), so no feed tracks the segment but the store's flag.
        if (!s.segmentDeletion(segment -> { }).delete(name)) {
          throw new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).unknownSegment(name);
        }
        out().println("deleted " + name);
      }
      return 0;
    }
  }
}
