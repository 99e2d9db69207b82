package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.summary.SummaryJson;
import io.segmenta.core.summary.TraitSummaries;
import io.segmenta.core.value.Numbers;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "traits", mixinStandardHelpOptions = true,
    description = {"What each trait holds: coverage, missing, distinct and top values, and number statistics with a histogram.",
        "",
        "For each trait (stored and computed): its type, family, coverage, missing values (count and share), distinct values "
            + "and the most common ones; for numbers the mean, standard deviation, min, p5, p25, median, p75, p95, max and a "
            + "histogram. Over a segment (default everyone), optionally beside everyone."})
final class TraitsCommand extends ReportCommand implements Callable<Integer> {
  @Option(names = "--segment", paramLabel = "S", description = "A saved segment or a rule (default: everyone).")
  String segment;

  @Option(names = "--against-everyone", description = "Show the same numbers for all profiles beside the segment's.")
  boolean againstEveryone;

  @Option(names = "--trait", paramLabel = "NAME", split = ",", description = "Only these traits (repeatable or comma-separated; default: all).")
  List<String> traits = new ArrayList<>();

  @Option(names = "--top", defaultValue = "5", description = "How many of the most common values to show (default 5).")
  int top;

  @Override
  public Integer call() {
    if (top < 1 || top > 100) {
      throw new UserException("--top must be between 1 and 100, got " + top);
    }
    Output.Format fmt = report.format();
    try (Store s = store.openReadOnly()) {
      Rule rule = segment == null ? null : new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).ruleOf(segment);
      TraitSummaries.Report r = TraitSummaries.summarise(s.catalog(), s.audiences(), report.asOf(s), segment, rule, againstEveryone && segment != null, traits, top);
      print(out(), r, fmt);
    }
    return 0;
  }

  static void print(PrintWriter out, TraitSummaries.Report r, Output.Format fmt) {
    if (fmt == Output.Format.JSON) {
      Output.json(out, SummaryJson.traits(r));
      return;
    }
    boolean beside = r.traits().stream().anyMatch(t -> t.everyone() != null);
    if (fmt == Output.Format.CSV) {
      List<String> header = new ArrayList<>(List.of("trait", "type", "family", "population", "profiles", "present", "missing", "coverage", "distinct",
          "top_values", "mean", "sd", "min", "p5", "p25", "median", "p75", "p95", "max"));
      List<List<String>> rows = new ArrayList<>();
      for (TraitSummaries.Trait t : r.traits()) {
        rows.add(csvRow(t, r.segment() == null ? "everyone" : "segment", t.segment()));
        if (t.everyone() != null) {
          rows.add(csvRow(t, "everyone", t.everyone()));
        }
      }
      Output.csv(out, header, rows);
      return;
    }
    out.printf(Locale.ROOT, "Traits of %s as of %s%s%n", r.segment() == null ? String.format(Locale.ROOT, "everyone (%,d profiles)", r.members())
        : String.format(Locale.ROOT, "segment %s (%,d of %,d profiles)", r.segment(), r.members(), r.everyone()), r.asOf(),
        beside ? "; everyone beside it" : "");
    if (r.optedOut() > 0) {
      out.printf(Locale.ROOT, "(%,d profiles who objected to analytics are left out)%n", r.optedOut());
    }
    out.println();
    List<TraitSummaries.Trait> held = r.traits().stream().filter(t -> t.segment().present() > 0 || (t.everyone() != null && t.everyone().present() > 0)).toList();
    List<String> empty = r.traits().stream().filter(t -> !held.contains(t)).map(TraitSummaries.Trait::name).toList();
    List<String> header = new ArrayList<>(List.of("trait", "type", "family", "coverage", "missing", "distinct", "top values (count)"));
    if (beside) {
      header.add(4, "coverage (everyone)");
    }
    List<List<String>> rows = new ArrayList<>();
    for (TraitSummaries.Trait t : held) {
      TraitSummaries.Summary s = t.segment();
      List<String> row = new ArrayList<>(List.of(t.name(), t.type(), t.family(), Output.percent(s.coverage()),
          String.format(Locale.ROOT, "%,d (%s)", s.missing(), Output.percent(1 - s.coverage())), String.format(Locale.ROOT, "%,d", s.distinct()),
          topValues(t, s)));
      if (beside) {
        row.add(4, Output.percent(t.everyone().coverage()));
      }
      rows.add(row);
    }
    Charts.table(out, header, rows);
    if (!empty.isEmpty()) {
      out.println();
      out.println("No values" + (r.segment() == null ? "" : " in the segment") + ": " + String.join(", ", empty));
    }
    for (TraitSummaries.Trait t : held) {
      TraitSummaries.NumberStats n = t.segment().numbers();
      if (n == null || t.segment().distinct() < 2) {
        continue; // one value: the table says it all
      }
      out.println();
      out.printf(Locale.ROOT, "%s (%s; %,d values):%n", t.name(), t.type(), t.segment().present());
      List<String> h = List.of("", "mean", "sd", "min", "p5", "p25", "median", "p75", "p95", "max");
      List<List<String>> stats = new ArrayList<>();
      stats.add(statsRow(r.segment() == null ? "everyone" : "segment", n));
      if (t.everyone() != null && t.everyone().numbers() != null) {
        stats.add(statsRow("everyone", t.everyone().numbers()));
      }
      Charts.table(out, h, stats);
      List<Charts.Bar> bars = new ArrayList<>();
      for (TraitSummaries.Bin b : n.histogram()) {
        bars.add(new Charts.Bar(n.histogram().size() == 1 ? short4(b.from()) : "[" + short4(b.from()) + ", " + short4(b.to())
            + (b == n.histogram().get(n.histogram().size() - 1) ? "]" : ")"), b.count(), ""));
      }
      Charts.bars(out, bars, t.segment().present(), 30);
    }
  }

  /** The most common values with their counts; for numbers that all differ (money, say) there are none worth listing. */
  private static String topValues(TraitSummaries.Trait t, TraitSummaries.Summary s) {
    boolean number = t.type().equals("number");
    if (number && !s.top().isEmpty() && s.top().get(0).count() == 1 && s.distinct() > 1) {
      return "(all different)";
    }
    return s.top().stream().map(c -> (number ? short4(Double.parseDouble(c.value())) : cut(c.value())) + " ("
        + String.format(Locale.ROOT, "%,d", c.count()) + ")").collect(Collectors.joining(", "));
  }

  private static List<String> statsRow(String who, TraitSummaries.NumberStats n) {
    return List.of(who, short4(n.mean()), short4(n.sd()), short4(n.min()), short4(n.p5()), short4(n.p25()), short4(n.median()), short4(n.p75()),
        short4(n.p95()), short4(n.max()));
  }

  private static List<String> csvRow(TraitSummaries.Trait t, String population, TraitSummaries.Summary s) {
    TraitSummaries.NumberStats n = s.numbers();
    List<String> row = new ArrayList<>(List.of(t.name(), t.type(), t.family(), population, Long.toString(s.population()), Long.toString(s.present()),
        Long.toString(s.missing()), Output.plain(s.coverage()), Long.toString(s.distinct()),
        s.top().stream().map(c -> c.value() + "=" + c.count()).collect(Collectors.joining("|"))));
    for (double v : n == null ? new double[9] : new double[] {n.mean(), n.sd(), n.min(), n.p5(), n.p25(), n.median(), n.p75(), n.p95(), n.max()}) {
      row.add(n == null ? "" : Output.plain(v));
    }
    return row;
  }

  /** A number for the terminal: four significant digits (whole numbers from 1000), plain. */
  static String short4(double v) {
    if (!Double.isFinite(v)) {
      return "-";
    }
    if (Math.abs(v) >= 1000) {
      return Numbers.format(Math.round(v));
    }
    return Numbers.format(new BigDecimal(v).round(new MathContext(4)).doubleValue());
  }

  private static String cut(String s) {
    return s.length() > 24 ? s.substring(0, 23) + "…" : s;
  }
}
