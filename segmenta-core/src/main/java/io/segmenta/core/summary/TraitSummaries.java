package io.segmenta.core.summary;

import io.segmenta.core.UserException;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the traits hold, the first thing a marketer asks of new data: for each trait (stored, scored and computed)
 * its coverage, distinct values and most common ones, and for numbers the mean, quantiles, extremes and a histogram;
 * over a segment and, optionally, over everyone beside it. One pass over the profiles reads every trait for both
 * populations at once ({@link AudienceQuery.Rows}), whatever the number of traits or values. Profiles who objected to
 * analytics are left out and counted.
 */
public final class TraitSummaries {
  private TraitSummaries() {}

  /** How many equal-width bars a histogram has. */
  public static final int HISTOGRAM_BINS = 10;

  public record Count(String value, long count) {}

  /** One bar of a histogram: values in {@code [from, to)}, the last bar closed. */
  public record Bin(double from, double to, long count) {}

  /** Number statistics; quantiles interpolate linearly (Hyndman-Fan type 7, as R and NumPy). */
  public record NumberStats(double mean, double sd, double min, double p5, double p25, double median, double p75, double p95, double max,
      List<Bin> histogram) {}

  /** A trait over one population: of {@code population} profiles, {@code present} have a value. */
  public record Summary(long population, long present, long missing, double coverage, long distinct, List<Count> top, NumberStats numbers) {}

  /** One trait: its schema and its summary over the segment, and over everyone when asked (else null). */
  public record Trait(String name, String type, String family, Summary segment, Summary everyone) {}

  /** The report: computed at {@code asOf}, over {@code segment} (null: everyone). */
  public record Report(Instant asOf, String segment, long members, long everyone, long optedOut, List<Trait> traits) {}

  /**
   * Summarises {@code traits} (empty: every trait of the schema but request context) over the members of
   * {@code segment} (null: everyone), and over everyone beside it when {@code againstEveryone}.
   */
  public static Report summarise(Catalog catalog, Audiences audiences, Instant asOf, String segmentName, Rule segment, boolean againstEveryone, List<String> traits, int topValues) {
    List<TraitDef> defs = new ArrayList<>();
    if (traits.isEmpty()) {
      catalog.schema().traits().stream().filter(t -> t.family() != Family.CONTEXT).forEach(defs::add);
    } else {
      for (String t : traits) {
        defs.add(catalog.schema().trait(t).filter(d -> d.family() != Family.CONTEXT)
            .orElseThrow(() -> new UserException("unknown trait '" + t + "'")));
      }
    }
    List<String> names = defs.stream().map(TraitDef::name).toList();
    int d = defs.size();
    Column[] inSegment = new Column[d];
    Column[] inAll = new Column[d];
    for (int j = 0; j < d; j++) {
      inSegment[j] = new Column();
      inAll[j] = againstEveryone ? new Column() : null;
    }
    long[] counts = new long[3];
    List<Rule> rules = segment == null ? List.of() : List.of(segment);
    audiences.run(new AudienceQuery.Rows(names, List.of(), rules, asOf, Purpose.ANALYTICS, row -> {
      if (!row.consented()) {
        counts[2]++;
        return;
      }
      counts[1]++;
      boolean member = segment == null || row.segments().get(0);
      if (member) {
        counts[0]++;
      }
      for (int j = 0; j < d; j++) {
        if (member) {
          inSegment[j].add(row.traits().get(j));
        }
        if (inAll[j] != null) {
          inAll[j].add(row.traits().get(j));
        }
      }
    }));
    List<Trait> out = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      TraitDef t = defs.get(j);
      out.add(new Trait(t.name(), t.type().label(), t.family().label(), summary(inSegment[j], topValues),
          inAll[j] == null ? null : summary(inAll[j], topValues)));
    }
    return new Report(asOf, segmentName, counts[0], counts[1], counts[2], out);
  }

  static Summary summary(Column c, int topValues) {
    Map<String, Long> counts = c.counts();
    double coverage = c.population() == 0 ? Double.NaN : (double) c.present() / c.population();
    return new Summary(c.population(), c.present(), c.population() - c.present(), coverage, counts.size(), Column.top(counts, topValues),
        c.numeric() ? numbers(c.sortedNumbers()) : null);
  }

  static NumberStats numbers(double[] x) {
    // Mean and deviation by Welford's update: one pass, no cancellation on large sums.
    double mean = 0;
    double m2 = 0;
    for (int i = 0; i < x.length; i++) {
      double delta = x[i] - mean;
      mean += delta / (i + 1);
      m2 += delta * (x[i] - mean);
    }
    double sd = x.length > 1 ? Math.sqrt(m2 / (x.length - 1)) : Double.NaN;
    return new NumberStats(mean, sd, x[0], Column.quantile(x, 0.05), Column.quantile(x, 0.25), Column.quantile(x, 0.5), Column.quantile(x, 0.75),
        Column.quantile(x, 0.95), x[x.length - 1], histogram(x, HISTOGRAM_BINS));
  }

  /** Equal-width bars from the minimum to the maximum; a single value is one bar. */
  static List<Bin> histogram(double[] sorted, int bins) {
    double min = sorted[0];
    double max = sorted[sorted.length - 1];
    if (min == max) {
      return List.of(new Bin(min, max, sorted.length));
    }
    long[] n = new long[bins];
    double width = (max - min) / bins;
    for (double v : sorted) {
      n[Math.min(bins - 1, (int) ((v - min) / width))]++;
    }
    List<Bin> out = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      out.add(new Bin(min + b * width, b == bins - 1 ? max : min + (b + 1) * width, n[b]));
    }
    return out;
  }
}
