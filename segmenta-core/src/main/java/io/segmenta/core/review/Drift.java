package io.segmenta.core.review;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.stats.PopulationStability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A segment's composition compared between two instants: the members at each (the rule as of each), their traits
 * (demographics), value (net revenue, order value) and behaviour (orders in a year, days since the last order), each
 * binned by the baseline's deciles plus a bin for missing values, and compared with the population stability index.
 *
 * <p>Why deciles of the baseline: the index needs the same bins in both periods, and equal-share bins in the
 * baseline make every bin's share 0.1, the setting the 0.1 / 0.25 thresholds were calibrated in (Siddiqi 2006).
 */
public final class Drift {
  /** What a compared column describes. */
  public enum Aspect { TRAIT, VALUE, BEHAVIOUR }

  /** One compared column. */
  public record Column(String trait, Aspect aspect) {}

  /** The composition columns of the standard schema. */
  public static final List<Column> STANDARD = List.of(new Column("age", Aspect.TRAIT), new Column("income", Aspect.TRAIT),
      new Column("household_size", Aspect.TRAIT), new Column("net_revenue", Aspect.VALUE), new Column("average_order_value", Aspect.VALUE),
      new Column("purchase_frequency", Aspect.BEHAVIOUR), new Column("days_since_last_order", Aspect.BEHAVIOUR));

  /** One column's shift. */
  public record Shift(Column column, PopulationStability.Result stability) {}

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
    List<String> traits = columns.stream().map(Column::trait).toList();
    NumberColumns before = audiences.run(new AudienceQuery.Columns(rule, traits, List.of(), baselineAt, Purpose.ANALYTICS));
    NumberColumns after = audiences.run(new AudienceQuery.Columns(rule, traits, List.of(), currentAt, Purpose.ANALYTICS));
    List<Shift> shifts = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      double[] edges = decileEdges(before.columns().get(c));
      long[][] both = nonEmpty(counts(before.columns().get(c), edges), counts(after.columns().get(c), edges));
      shifts.add(new Shift(columns.get(c), PopulationStability.of(both[0], both[1], minMembers)));
    }
    return new Report(segment, baselineAt, currentAt, before.rows(), after.rows(), shifts);
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
