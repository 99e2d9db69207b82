package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.summary.Breakdown;
import io.segmenta.core.summary.SummaryJson;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "breakdown", mixinStandardHelpOptions = true,
    description = {"A segment broken down by one or two traits: size, share, outcome rate with its interval, index, chi-square.",
        "",
        "Per value (or pair of values): size and share; with --outcome, the outcome rate with a 95%% Wilson interval and its "
            + "index against the whole (rate / overall rate x 100); a chi-square test of independence across the groups. "
            + "Number traits are cut into quantile bins. --save PREFIX saves one segment per group, named from its values."})
final class BreakdownCommand extends ReportCommand implements Callable<Integer> {
  @Option(names = "--by", paramLabel = "TRAIT", required = true, description = "The trait to group by; give it twice for pairs of values.")
  List<String> by = new ArrayList<>();

  @Option(names = "--outcome", paramLabel = "RULE", description = "A rule whose rate each group gets, e.g. 'subscribed = \"yes\"' or 'orders >= 2'.")
  String outcome;

  @Option(names = "--segment", paramLabel = "S", description = "A saved segment or a rule to break down (default: everyone).")
  String segment;

  @Option(names = "--bins", defaultValue = "5", description = "Quantile bins for number traits (default 5: quintiles).")
  int bins;

  @Option(names = "--save", paramLabel = "PREFIX", description = "Save each group as the segment PREFIX-VALUE (names made valid and unique).")
  String save;

  @Override
  public Integer call() {
    Output.Format fmt = report.format();
    try (Store s = save == null ? store.openReadOnly() : store.open()) {
      Segments segs = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
      Rule universe = segment == null ? null : segs.ruleOf(segment);
      Rule out = outcome == null ? null : segs.ruleOf(outcome);
      Breakdown.Report r = Breakdown.run(s.catalog(), s.audiences(), report.asOf(s), by, segment, universe, outcome, out, bins);
      List<String> saved = save == null ? List.of() : Breakdown.save(s.catalog(), s.segmentDefinitions(), s.scores(), r, save, universe, Clock.systemUTC());
      print(out(), r, fmt, saved);
    }
    return 0;
  }

  static void print(PrintWriter out, Breakdown.Report r, Output.Format fmt, List<String> saved) {
    if (fmt == Output.Format.JSON) {
      Output.json(out, SummaryJson.breakdown(r, saved));
      return;
    }
    boolean rated = r.outcome() != null;
    boolean csv = fmt == Output.Format.CSV;
    List<String> header = new ArrayList<>(r.by());
    header.addAll(List.of("size", "share"));
    if (rated) {
      header.addAll(csv ? List.of("outcomes", "rate", "rate_low_95", "rate_high_95", "index") : List.of("outcomes", "rate", "95% interval", "index"));
    }
    if (!saved.isEmpty()) {
      header.add(csv ? "saved_as" : "saved as");
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < r.groups().size(); i++) {
      Breakdown.Group g = r.groups().get(i);
      List<String> row = new ArrayList<>(g.labels());
      row.add(csv ? Long.toString(g.size()) : String.format(Locale.ROOT, "%,d", g.size()));
      row.add(csv ? Output.plain(g.share()) : Output.percent(g.share()));
      if (rated) {
        row.add(csv ? Long.toString(g.outcomes()) : String.format(Locale.ROOT, "%,d", g.outcomes()));
        if (csv) {
          row.addAll(List.of(Output.plain(g.rate()), Output.plain(g.low()), Output.plain(g.high()), Output.plain(g.index())));
        } else {
          row.addAll(List.of(Output.percent(g.rate()), Output.percent(g.low()) + " - " + Output.percent(g.high()),
              Double.isNaN(g.index()) ? "-" : String.format(Locale.ROOT, "%.0f", g.index())));
        }
      }
      if (!saved.isEmpty()) {
        row.add(saved.get(i));
      }
      rows.add(row);
    }
    if (csv) {
      Output.csv(out, header, rows);
      return;
    }
    out.printf(Locale.ROOT, "%s by %s as of %s: %,d profiles%s%n%n", r.segment() == null ? "Everyone" : "Segment " + r.segment(),
        String.join(" and ", r.by()), r.asOf(), r.population(),
        rated ? String.format(Locale.ROOT, "; outcome %s: %,d (%s)", r.outcome(), r.outcomes(), Output.percent(r.overallRate())) : "");
    Charts.table(out, header, rows);
    if (rated) {
      out.println();
      out.println("Outcome rate by group (index = group rate / overall rate x 100):");
      Charts.rates(out, r.groups().stream().map(g -> String.join(" / ", g.labels())).toList(), r.groups().stream().map(Breakdown.Group::rate).toList(),
          r.groups().stream().map(g -> Double.isNaN(g.index()) ? "" : String.format(Locale.ROOT, "index %.0f", g.index())).toList(), 30);
    }
    if (r.test() != null) {
      out.println();
      if (r.test().ok() || !Double.isNaN(r.test().pValue())) {
        out.printf(Locale.ROOT, "Chi-square test of independence (%s): chi2 = %.2f, df = %d, p %s%s%n", r.testOf(), r.test().chiSquare(),
            r.test().degreesOfFreedom(), r.test().pValue() < 1e-15 ? "< 1e-15" : "= " + (r.test().pValue() < 1e-4 ? String.format(Locale.ROOT, "%.1e", r.test().pValue()) : String.format(Locale.ROOT, "%.4f", r.test().pValue())),
            r.test().ok() ? "" : " (" + r.test().diagnostic() + ")");
      } else {
        out.println("Chi-square test of independence (" + r.testOf() + "): not computed, " + r.test().diagnostic());
      }
    }
    for (String n : r.notes()) {
      out.println("note: " + n);
    }
    if (!saved.isEmpty()) {
      out.println();
      out.printf(Locale.ROOT, "saved %d segments: %s%n", saved.size(), String.join(", ", saved));
    }
  }
}
