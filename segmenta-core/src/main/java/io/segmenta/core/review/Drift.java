package io.segmenta.core.review;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import io.segmenta.stats.PopulationStability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A segment's composition compared between two instants: the members at each (the rule as of each), their traits
 * (demographics, geography), value (net revenue, order value) and behaviour (orders in a year, days since the last
 * order, favourite category, acquisition channel), binned the same way in both periods, and compared with the
 * population stability index.
 *
 * <p>Numbers are binned by the baseline's deciles plus a bin for missing values. Why deciles of the baseline: the
 * index needs the same bins in both periods, and equal-share bins in the baseline make every bin's share 0.1, the
 * setting the 0.1 / 0.25 thresholds were calibrated in (Siddiqi 2006).
 *
 * <p>Categories (text traits) are binned by the baseline's own categories, the way credit scoring bins a nominal
 * characteristic (Siddiqi 2006, ch. 8: one bin per attribute, small attributes grouped): a bin for each of the
 * baseline's {@link #MAX_CATEGORIES} most frequent categories (ties by name) that holds at least
 * {@link #MIN_CATEGORY_SHARE} of its non-missing values; an {@code other} bin for every other value; a
 * {@code missing} bin for members without one (no value, or only blanks). Values are compared after trimming, case
 * kept ("DK" and "dk" are two categories, as the rules see them). A category new in the current period has no bin of
 * its own: it counts in {@code other}, so a new category that grows moves {@code other} and shows as drift; a
 * baseline category missing from the current period keeps its bin with no one in it (the index then adds half a
 * count to every bin, see {@link PopulationStability}). Bins empty in both periods are left out.
 */
public final class Drift {
  /** What a compared column describes. */
  public enum Aspect { TRAIT, VALUE, BEHAVIOUR }

  /** How a column is binned: numbers by the baseline's deciles, categories by the baseline's categories. */
  public enum Kind { NUMBER, CATEGORY }

  /** One compared column. */
  public record Column(String trait, Aspect aspect, Kind kind) {
    /** A number column. */
    public Column(String trait, Aspect aspect) {
      this(trait, aspect, Kind.NUMBER);
    }
  }

  /** The composition columns of the standard schema. */
  public static final List<Column> STANDARD = List.of(new Column("age", Aspect.TRAIT), new Column("income", Aspect.TRAIT),
      new Column("household_size", Aspect.TRAIT), new Column("net_revenue", Aspect.VALUE), new Column("average_order_value", Aspect.VALUE),
      new Column("purchase_frequency", Aspect.BEHAVIOUR), new Column("days_since_last_order", Aspect.BEHAVIOUR),
      new Column("gender", Aspect.TRAIT, Kind.CATEGORY), new Column("occupation", Aspect.TRAIT, Kind.CATEGORY),
      new Column("country", Aspect.TRAIT, Kind.CATEGORY), new Column("region", Aspect.TRAIT, Kind.CATEGORY),
      new Column("favourite_category", Aspect.BEHAVIOUR, Kind.CATEGORY), new Column("acquisition_channel", Aspect.BEHAVIOUR, Kind.CATEGORY));

  /** Named bins a category column gets at most (besides {@code other} and {@code missing}). */
  public static final int MAX_CATEGORIES = 10;
  /** The share of the baseline's non-missing values a category needs for a bin of its own. */
  public static final double MIN_CATEGORY_SHARE = 0.01;
  /** The bin of values the baseline gave no bin (rare or new categories). */
  public static final String OTHER = "other";
  /** The bin of members without a value. */
  public static final String MISSING = "missing";

  /** One column's shift; {@code bins} names the bins of {@code stability}'s contributions, in order. */
  public record Shift(Column column, PopulationStability.Result stability, List<String> bins) {
    public Shift {
      bins = List.copyOf(bins);
    }

    public Shift(Column column, PopulationStability.Result stability) {
      this(column, stability, List.of());
    }
  }

  /** The segment's sizes at both instants and every column's shift; {@code worst} is the largest level computed. */
  public record Report(String segment, Instant baselineAt, Instant currentAt, long baselineSize, long currentSize, List<Shift> shifts) {
    public PopulationStability.Level worst() {
      PopulationStability.Level w = PopulationStability.Level.UNKNOWN;
      for (Shift s : shifts) {
        PopulationStability.Level l = s.stability().level();
        if (l != PopulationStability.Level.UNKNOWN && (w == PopulationStability.Level.UNKNOWN || l.ordinal() > w.ordinal())) {
          w = l;
        }
      }
      return w;
    }

    /** The size's relative change from the baseline (NaN when the baseline is empty). */
    public double sizeChange() {
      return baselineSize == 0 ? Double.NaN : (currentSize - baselineSize) / (double) baselineSize;
    }
  }

  /** Members each period needs before a shift is computed: fewer, and the index measures noise. */
  public static final long MIN_MEMBERS = 200;

  private final Audiences audiences;
  private final List<Column> columns;
  private final long minMembers;

  public Drift(Audiences audiences, List<Column> columns, long minMembers) {
    this.audiences = audiences;
    this.columns = List.copyOf(columns);
    this.minMembers = minMembers;
  }

  /** The segment's drift from {@code baselineAt} to {@code currentAt}. */
  public Report compare(String segment, Rule rule, Instant baselineAt, Instant currentAt) {
    List<String> numbers = columns.stream().filter(c -> c.kind() == Kind.NUMBER).map(Column::trait).toList();
    List<String> categories = columns.stream().filter(c -> c.kind() == Kind.CATEGORY).map(Column::trait).toList();
    NumberColumns before = audiences.run(new AudienceQuery.Columns(rule, numbers, List.of(), baselineAt, Purpose.ANALYTICS));
    NumberColumns after = audiences.run(new AudienceQuery.Columns(rule, numbers, List.of(), currentAt, Purpose.ANALYTICS));
    List<List<String>> textBefore = categories.isEmpty() ? List.of() : texts(rule, categories, baselineAt);
    List<List<String>> textAfter = categories.isEmpty() ? List.of() : texts(rule, categories, currentAt);
    List<Shift> shifts = new ArrayList<>();
    int n = 0;
    int t = 0;
    for (Column c : columns) {
      if (c.kind() == Kind.NUMBER) {
        double[] edges = decileEdges(before.columns().get(n));
        long[][] both = nonEmpty(counts(before.columns().get(n), edges), counts(after.columns().get(n), edges));
        shifts.add(new Shift(c, PopulationStability.of(both[0], both[1], minMembers), List.of()));
        n++;
      } else {
        Bins b = categoryBins(textBefore.get(t), textAfter.get(t));
        shifts.add(new Shift(c, PopulationStability.of(b.baseline(), b.current(), minMembers), b.labels()));
        t++;
      }
    }
    return new Report(segment, baselineAt, currentAt, before.rows(), after.rows(), shifts);
  }

  /** Each category column's values (null when missing) of the members at {@code at}, column by column. */
  private List<List<String>> texts(Rule rule, List<String> traits, Instant at) {
    List<List<String>> out = new ArrayList<>();
    traits.forEach(x -> out.add(new ArrayList<>()));
    audiences.run(new AudienceQuery.Export(rule, at, traits, Purpose.ANALYTICS, m -> {
      for (int i = 0; i < traits.size(); i++) {
        Value v = m.traits().get(traits.get(i));
        out.get(i).add(v instanceof Value.Str s ? s.value() : v == null || v instanceof Value.NullValue ? null : v.toString());
      }
    }));
    return out;
  }

  /** A category column's bins, named, with each period's counts (bins empty in both left out). */
  public record Bins(List<String> labels, long[] baseline, long[] current) {}

  /**
   * The bins of a category column (see the class comment): the baseline's frequent categories, then {@link #OTHER},
   * then {@link #MISSING}; null or blank values are missing.
   */
  public static Bins categoryBins(List<String> baseline, List<String> current) {
    Map<String, Long> freq = new HashMap<>();
    long present = 0;
    for (String v : baseline) {
      String k = category(v);
      if (k != null) {
        freq.merge(k, 1L, Long::sum);
        present++;
      }
    }
    double least = MIN_CATEGORY_SHARE * present;
    List<String> named = freq.entrySet().stream().filter(e -> e.getValue() >= least)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(MAX_CATEGORIES).map(Map.Entry::getKey).toList();
    List<String> labels = new ArrayList<>(named);
    labels.add(OTHER);
    labels.add(MISSING);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < named.size(); i++) {
      index.put(named.get(i), i);
    }
    long[] b = categoryCounts(baseline, index, labels.size());
    long[] c = categoryCounts(current, index, labels.size());
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      if (b[i] + c[i] > 0) {
        kept.add(labels.get(i));
      }
    }
    long[][] both = nonEmpty(b, c);
    return new Bins(kept, both[0], both[1]);
  }

  private static long[] categoryCounts(List<String> values, Map<String, Integer> index, int bins) {
    long[] out = new long[bins];
    for (String v : values) {
      String k = category(v);
      out[k == null ? bins - 1 : index.getOrDefault(k, bins - 2)]++;
    }
    return out;
  }

  private static String category(String v) {
    if (v == null) {
      return null;
    }
    String k = v.strip();
    return k.isEmpty() ? null : k;
  }

  /** The distinct inner cut points at the baseline's deciles (missing values left out). */
  static double[] decileEdges(double[] values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return new double[0];
    }
    double[] edges = new double[9];
    int n = 0;
    for (int q = 1; q <= 9; q++) {
      double e = v[Math.min(v.length - 1, (int) Math.floor(q * v.length / 10.0))];
      if (n == 0 || e > edges[n - 1]) {
        edges[n++] = e;
      }
    }
    return Arrays.copyOf(edges, n);
  }

  /** The bins that hold someone in either period (a bin empty in both says nothing). */
  static long[][] nonEmpty(long[] a, long[] b) {
    int n = 0;
    long[][] out = new long[2][a.length];
    for (int i = 0; i < a.length; i++) {
      if (a[i] + b[i] > 0) {
        out[0][n] = a[i];
        out[1][n++] = b[i];
      }
    }
    return new long[][] {Arrays.copyOf(out[0], n), Arrays.copyOf(out[1], n)};
  }

  /** Counts per bin: values below the first edge, between edges (lower edge included), above the last; then missing. */
  static long[] counts(double[] values, double[] edges) {
    long[] out = new long[edges.length + 2];
    for (double x : values) {
      if (!Double.isFinite(x)) {
        out[edges.length + 1]++;
        continue;
      }
      int i = Arrays.binarySearch(edges, x);
      out[i >= 0 ? i + 1 : -i - 1]++;
    }
    return out;
  }
}
