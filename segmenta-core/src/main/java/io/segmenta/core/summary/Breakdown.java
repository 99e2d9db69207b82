package io.segmenta.core.summary;

import io.segmenta.core.UserException;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measures;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Numbers;
import io.segmenta.core.value.Value;
import io.segmenta.stats.ContingencyTest;
import io.segmenta.stats.WilsonInterval;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A population broken down by one trait or a pair: per value (or pair of values) its size and share, and with an
 * outcome rule the outcome rate with a 95 % Wilson interval and its index against the whole population (rate /
 * overall rate x 100, as media planners index audiences); a chi-square test of independence across the groups
 * (groups x outcome; without an outcome, the first trait x the second). Text and boolean traits group by value (the
 * most common {@link #MAX_VALUES}, the rest as "(other)"); number traits with more distinct values than bins are cut
 * at their quantiles (the cut after the k-th of n equal parts is the first value of the next part, so every cut is a value
 * the data holds and each bin is [cut, next cut); ties merge bins, so there may be fewer);
 * missing values are a group of their own. Every group carries the rule that selects it, so it saves as a segment.
 * One pass over the profiles ({@link AudienceQuery.Rows}); profiles who objected to analytics are left out.
 */
public final class Breakdown {
  private Breakdown() {}

  /** Text values beyond this many most common ones are grouped as "(other)". */
  public static final int MAX_VALUES = 20;

  /** One group: its labels (one per trait), the rule selecting it, its size and share, and the outcome. */
  public record Group(List<String> labels, String rule, long size, double share, long outcomes, double rate, double low, double high, double index) {}

  /** The breakdown, computed at {@code asOf}; rates and tests are NaN (and {@code test} null) without an outcome. */
  public record Report(Instant asOf, List<String> by, String segment, String outcome, long population, long outcomes, double overallRate,
      List<Group> groups, ContingencyTest.Result test, String testOf, List<String> notes) {}

  /**
   * Breaks down the members of {@code universe} (null: everyone) by {@code by} (one or two traits), with the rate of
   * {@code outcome} (null: none) per group; numbers cut into {@code bins} quantile bins.
   */
  public static Report run(Catalog catalog, Audiences audiences, Instant asOf, List<String> by, String segmentName, Rule universe, String outcomeText, Rule outcome, int bins) {
    if (by.isEmpty() || by.size() > 2) {
      throw new UserException("--by takes one or two traits, got " + by.size());
    }
    if (bins < 2 || bins > 20) {
      throw new UserException("--bins must be between 2 and 20, got " + bins);
    }
    if (by.size() == 2 && by.get(0).equals(by.get(1))) {
      throw new UserException("--by names '" + by.get(0) + "' twice");
    }
    List<ValueType> types = new ArrayList<>();
    for (String t : by) {
      TraitDef def = catalog.schema().trait(t).filter(d -> d.family() != Family.CONTEXT).orElseThrow(() -> new UserException("--by: unknown trait '" + t + "'"));
      ValueType type = def.stored() ? def.type() : Measures.type(ComputedTraits.definition(t).orElseThrow(), catalog.schema());
      if (type != ValueType.NUMBER && type != ValueType.STRING && type != ValueType.BOOLEAN) {
        throw new UserException("--by " + t + ": a breakdown groups by a number, text or boolean trait; '" + t + "' is a " + type.label());
      }
      types.add(type);
    }
    List<Rule> rules = new ArrayList<>();
    if (universe != null) {
      rules.add(universe);
    }
    if (outcome != null) {
      rules.add(outcome);
    }
    int outcomeBit = universe == null ? 0 : 1;
    List<Value[]> rows = new ArrayList<>();
    List<Boolean> met = new ArrayList<>();
    audiences.run(new AudienceQuery.Rows(by, List.of(), rules, asOf, Purpose.ANALYTICS, row -> {
      if (!row.consented() || (universe != null && !row.segments().get(0))) {
        return;
      }
      rows.add(row.traits().toArray(new Value[0]));
      met.add(outcome != null && row.segments().get(outcomeBit));
    }));
    List<Grouping> groupings = new ArrayList<>();
    for (int j = 0; j < by.size(); j++) {
      groupings.add(Grouping.of(by.get(j), types.get(j), rows, j, bins));
    }
    int n2 = groupings.size() == 2 ? groupings.get(1).labels.size() : 1;
    int cells = groupings.get(0).labels.size() * n2;
    long[] size = new long[cells];
    long[] hits = new long[cells];
    long total = rows.size();
    long totalHits = 0;
    for (int i = 0; i < rows.size(); i++) {
      int g = groupings.get(0).group(rows.get(i)[0]);
      if (groupings.size() == 2) {
        g = g * n2 + groupings.get(1).group(rows.get(i)[1]);
      }
      size[g]++;
      if (met.get(i)) {
        hits[g]++;
        totalHits++;
      }
    }
    double overall = outcome == null || total == 0 ? Double.NaN : (double) totalHits / total;
    List<Group> groups = new ArrayList<>();
    List<long[]> table = new ArrayList<>();
    for (int c = 0; c < cells; c++) {
      if (size[c] == 0) {
        continue;
      }
      int a = c / n2;
      int b = c % n2;
      List<String> labels = new ArrayList<>(List.of(groupings.get(0).labels.get(a)));
      String rule = groupings.get(0).rules.get(a);
      if (groupings.size() == 2) {
        labels.add(groupings.get(1).labels.get(b));
        rule = rule + " and " + groupings.get(1).rules.get(b);
      }
      double rate = Double.NaN;
      double low = Double.NaN;
      double high = Double.NaN;
      double index = Double.NaN;
      if (outcome != null) {
        rate = (double) hits[c] / size[c];
        WilsonInterval.Interval ci = WilsonInterval.of(hits[c], size[c], 0.95);
        low = ci.low();
        high = ci.high();
        index = overall > 0 ? 100 * rate / overall : Double.NaN;
        table.add(new long[] {hits[c], size[c] - hits[c]});
      }
      groups.add(new Group(List.copyOf(labels), rule, size[c], (double) size[c] / total, hits[c], rate, low, high, index));
    }
    ContingencyTest.Result test = null;
    String testOf = null;
    if (outcome != null) {
      test = ContingencyTest.independence(table.toArray(new long[0][]));
      testOf = String.join(" x ", by) + " groups x outcome";
    } else if (groupings.size() == 2) {
      long[][] t = new long[groupings.get(0).labels.size()][n2];
      for (int c = 0; c < cells; c++) {
        t[c / n2][c % n2] = size[c];
      }
      test = ContingencyTest.independence(t);
      testOf = by.get(0) + " x " + by.get(1);
    }
    List<String> notes = new ArrayList<>();
    for (Grouping g : groupings) {
      notes.addAll(g.notes);
    }
    return new Report(asOf, List.copyOf(by), segmentName, outcomeText, total, totalHits, overall, groups, test, testOf, notes);
  }

  /**
   * Saves each group as the segment {@code PREFIX-value[-value]} (names from {@link SegmentNames}; a saved segment of
   * the same name is replaced, as a re-run should), its rule the group's within the breakdown's segment. Returns the
   * names, in the order of the groups.
   */
  public static List<String> save(Catalog catalog, Definitions<SegmentDefinition> definitions, Scores scores, Report r, String prefix, Rule universe, Clock clock) {
    if (prefix == null || SegmentNames.slug(prefix).equals("blank")) {
      throw new UserException("--save needs a prefix with a letter or digit, got '" + prefix + "'");
    }
    String within = universe == null ? null
        : r.segment() != null && definitions.find(r.segment().trim()).isPresent() ? "segment " + RuleText.print(Value.of(r.segment().trim()))
        : "(" + RuleText.print(universe) + ")";
    Segments segments = new Segments(catalog, definitions, scores, clock);
    SegmentNames names = new SegmentNames(List.of());
    List<String> saved = new ArrayList<>();
    for (Group g : r.groups()) {
      String name = names.next(prefix, g.labels().toArray(new String[0]));
      String description = "breakdown by " + String.join(" and ", r.by()) + ": " + String.join(", ", g.labels())
          + (r.segment() == null ? "" : ", within " + r.segment());
      segments.save(name, within == null ? g.rule() : within + " and " + g.rule(), description);
      saved.add(name);
    }
    return saved;
  }

  /** How one trait's values map to groups, with each group's label and rule. */
  private static final class Grouping {
    final List<String> labels = new ArrayList<>();
    final List<String> rules = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Integer> byValue = new HashMap<>();
    double[] cuts;
    int other = -1;
    int missing = -1;

    static Grouping of(String trait, ValueType type, List<Value[]> rows, int column, int bins) {
      Grouping g = new Grouping();
      Column values = new Column();
      for (Value[] r : rows) {
        values.add(r[column]);
      }
      Map<String, Long> counts = values.counts();
      if (type == ValueType.NUMBER && counts.size() > bins) {
        double[] x = values.sortedNumbers();
        List<Double> cuts = new ArrayList<>();
        for (int k = 1; k < bins; k++) {
          // The first value of the k-th of {@code bins} equal parts: values below it fall in earlier bins.
          double q = x[(int) Math.min(x.length - 1, (long) k * x.length / bins)];
          if (q > x[0] && (cuts.isEmpty() || q > cuts.get(cuts.size() - 1))) {
            cuts.add(q);
          }
        }
        g.cuts = cuts.stream().mapToDouble(Double::doubleValue).toArray();
        for (int b = 0; b <= g.cuts.length; b++) {
          String lo = b == 0 ? null : Numbers.format(g.cuts[b - 1]);
          String hi = b == g.cuts.length ? null : Numbers.format(g.cuts[b]);
          g.labels.add(lo == null ? "< " + hi : hi == null ? ">= " + lo : "[" + lo + ", " + hi + ")");
          g.rules.add(lo == null ? trait + " < " + hi : hi == null ? trait + " >= " + lo : "(" + trait + " >= " + lo + " and " + trait + " < " + hi + ")");
        }
        if (g.cuts.length + 1 < bins) {
          g.notes.add(trait + ": " + (g.cuts.length + 1) + " bins, not " + bins + ", because many profiles share a value");
        }
      } else {
        List<TraitSummaries.Count> top = Column.top(counts, MAX_VALUES);
        List<TraitSummaries.Count> ordered = new ArrayList<>(top);
        if (type == ValueType.NUMBER) {
          ordered.sort((a, b) -> Double.compare(Double.parseDouble(a.value()), Double.parseDouble(b.value())));
        }
        for (TraitSummaries.Count c : ordered) {
          g.byValue.put(c.value(), g.labels.size());
          g.labels.add(c.value());
          Value literal = type == ValueType.NUMBER ? Value.of(Double.parseDouble(c.value()))
              : type == ValueType.BOOLEAN ? Value.of(Boolean.parseBoolean(c.value())) : Value.of(c.value());
          g.rules.add(trait + " = " + RuleText.print(literal));
        }
        if (counts.size() > top.size()) {
          g.other = g.labels.size();
          g.labels.add("(other)");
          List<String> listed = new ArrayList<>();
          for (TraitSummaries.Count c : top) {
            listed.add(RuleText.print(type == ValueType.NUMBER ? Value.of(Double.parseDouble(c.value())) : Value.of(c.value())));
          }
          g.rules.add("(" + trait + " exists and not (" + trait + " in [" + String.join(", ", listed) + "]))");
          g.notes.add(trait + ": " + counts.size() + " distinct values; the " + MAX_VALUES + " most common are shown, the rest grouped as (other)");
        }
      }
      if (values.present() < values.population()) {
        g.missing = g.labels.size();
        g.labels.add("(missing)");
        g.rules.add(trait + " missing");
      }
      return g;
    }

    int group(Value v) {
      if (v == null || v.isNull() || (v instanceof Value.Num n && !Double.isFinite(n.value()))) {
        return missing;
      }
      if (cuts != null) {
        double x = ((Value.Num) v).value();
        int b = 0;
        while (b < cuts.length && x >= cuts[b]) {
          b++;
        }
        return b;
      }
      Integer g = byValue.get(Column.text(v));
      return g != null ? g : other;
    }
  }
}
