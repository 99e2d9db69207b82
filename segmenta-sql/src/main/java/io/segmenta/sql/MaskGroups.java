package io.segmenta.sql;

import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-segment totals and pairwise overlaps of many segments from one grouped scan, for every engine that runs the
 * compiler's {@link SqlCompiler#membershipMasks} query (DuckDB's store, Spark's lake).
 *
 * <p>Why group by the masks: each profile carries one bit per segment; grouping by the mask columns leaves one row per
 * combination of segments that actually occurs (a few hundred, not a row per profile and segment), with the count and
 * the sums, squares, minima and maxima of its profiles' values. A segment's totals and a pair's overlap are then exact
 * sums over the rows whose mask has the segment's bit (both bits, for an overlap), done here on the caller's side.
 * One builder writes the grouped SQL and reads its rows, so the engines cannot drift apart in how they sum.
 */
public final class MaskGroups {
  /** One row of the grouped result, by 0-based column; absent numbers read as {@code absent}. */
  public interface Row {
    long count(int column);

    double number(int column, double absent);
  }

  private final List<String> names;
  private final int values;
  private final BitSet spread;
  private final int masks;
  private final int[] column;
  private final long[] members;
  private final long[][] counts;
  private final double[][] sums;
  private final double[][] squares;
  private final double[][] mins;
  private final double[][] maxs;
  private final long[][] both;
  private final int[] in;

  /** For the segments {@code names}, {@code values} values per profile, of which those in {@code spread} need squares, minima and maxima. */
  public MaskGroups(List<String> names, int values, BitSet spread) {
    this.names = List.copyOf(names);
    this.values = values;
    this.spread = (BitSet) spread.clone();
    int n = names.size();
    this.masks = SqlCompiler.maskColumns(n);
    this.column = new int[values];
    int next = masks + 1;
    for (int i = 0; i < values; i++) {
      column[i] = next;
      next += spread.get(i) ? 5 : 2;
    }
    members = new long[n];
    counts = new long[n][values];
    sums = new double[n][values];
    squares = new double[n][values];
    mins = new double[n][values];
    maxs = new double[n][values];
    for (int i = 0; i < n; i++) {
      Arrays.fill(mins[i], Double.NaN);
      Arrays.fill(maxs[i], Double.NaN);
    }
    both = new long[n][n];
    in = new int[n];
  }

  /**
   * The grouped query over {@code masksSql} (the engine's text of {@link SqlCompiler#membershipMasks}): the mask
   * columns, the row count, and per value its count and sum (and for a spread value the sum of squares, minimum and
   * maximum). Profiles in no segment are left out, unless a segment holds everyone ({@code rules}), where the filter
   * would recompute every profile's mask for nothing.
   */
  public String sql(String masksSql, List<Rule> rules) {
    StringBuilder group = new StringBuilder();
    for (int m = 0; m < masks; m++) {
      group.append(m > 0 ? ", " : "").append("_sm").append(m);
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(group).append(", count(*)");
    for (int i = 0; i < values; i++) {
      String x = "_v" + i;
      sql.append(", count(").append(x).append("), sum(").append(x).append(")");
      if (spread.get(i)) {
        sql.append(", sum(").append(x).append(" * ").append(x).append("), min(").append(x).append("), max(").append(x).append(")");
      }
    }
    sql.append(" FROM (").append(masksSql).append(") _m");
    if (rules.stream().noneMatch(r -> r instanceof Rule.And a && a.rules().isEmpty())) {
      sql.append(" WHERE ");
      for (int m = 0; m < masks; m++) {
        sql.append(m > 0 ? " OR " : "").append("_sm").append(m).append(" <> 0");
      }
    }
    return sql.append(" GROUP BY ").append(group).toString();
  }

  /** Adds one row of the grouped result to the segments whose bits its mask has. */
  public void add(Row r) {
    int n = names.size();
    int k = 0;
    for (int i = 0; i < n; i++) {
      if ((r.count(i / SqlCompiler.MASK_BITS) >>> (i % SqlCompiler.MASK_BITS) & 1L) != 0) {
        in[k++] = i;
      }
    }
    long c = r.count(masks);
    for (int a = 0; a < k; a++) {
      members[in[a]] += c;
      for (int b = a; b < k; b++) {
        both[in[a]][in[b]] += c;
      }
    }
    for (int v = 0; v < values; v++) {
      int col = column[v];
      long cnt = r.count(col);
      if (cnt == 0) {
        continue;
      }
      boolean spreads = spread.get(v);
      double sum = r.number(col + 1, 0.0);
      double sq = spreads ? r.number(col + 2, 0.0) : Double.NaN;
      double mn = spreads ? r.number(col + 3, Double.NaN) : Double.NaN;
      double mx = spreads ? r.number(col + 4, Double.NaN) : Double.NaN;
      for (int a = 0; a < k; a++) {
        int i = in[a];
        counts[i][v] += cnt;
        sums[i][v] += sum;
        squares[i][v] += sq;
        mins[i][v] = Double.isNaN(mins[i][v]) ? mn : Math.min(mins[i][v], mn);
        maxs[i][v] = Double.isNaN(maxs[i][v]) ? mx : Math.max(maxs[i][v], mx);
      }
    }
  }

  /** The totals of every segment, in the order of the names (an empty segment has zeros and NaN extremes), and the overlaps. */
  public SegmentTotals totals() {
    int n = names.size();
    long[][] full = new long[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        full[i][j] = j >= i ? both[i][j] : both[j][i];
      }
    }
    List<Double> none = Collections.nCopies(values, 0.0);
    List<Long> zero = Collections.nCopies(values, 0L);
    List<Double> nan = Collections.nCopies(values, Double.NaN);
    Map<String, Totals> totals = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      if (members[i] == 0) {
        totals.put(names.get(i), new Totals(0, none, zero, none, nan, nan));
        continue;
      }
      List<Double> su = new ArrayList<>();
      List<Long> co = new ArrayList<>();
      List<Double> sq = new ArrayList<>();
      List<Double> mi = new ArrayList<>();
      List<Double> ma = new ArrayList<>();
      for (int v = 0; v < values; v++) {
        su.add(sums[i][v]);
        co.add(counts[i][v]);
        sq.add(squares[i][v]);
        mi.add(mins[i][v]);
        ma.add(maxs[i][v]);
      }
      totals.put(names.get(i), new Totals(members[i], su, co, sq, mi, ma));
    }
    return new SegmentTotals(totals, names, full);
  }
}
