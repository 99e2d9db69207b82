package io.segmenta.duckdb;

import io.segmenta.core.port.Profiles;
import io.segmenta.core.rule.Rule;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Measure;
import java.util.BitSet;
import java.util.Collections;
import io.segmenta.sql.SqlCompiler;

/**
 * Totals of measures over the members of one or many segments in one scan: each segment is a mask, and every
 * statistic is one more aggregate over every profile, so callers ask only for those they read. Takes the store's lock ({@link Db}) as the store did.
 */
final class MaskTotals {
  private final Db db;

  MaskTotals(Db db) {
    this.db = db;
  }

  public Totals totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    synchronized (db) {
      SqlCompiler.SqlQuery q = db.compiler().totals(rule, asOf, measures, numberTraits);
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        rs.next();
        List<Double> sums = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<Double> squares = new ArrayList<>();
        List<Double> mins = new ArrayList<>();
        List<Double> maxs = new ArrayList<>();
        for (int i = 0; i < measures.size() + numberTraits.size(); i++) {
          int c = 2 + 5 * i;
          counts.add(rs.getLong(c));
          sums.add(Db.orZero(rs, c + 1));
          squares.add(Db.orZero(rs, c + 2));
          mins.add(Db.orNaN(rs, c + 3));
          maxs.add(Db.orNaN(rs, c + 4));
        }
        return new Totals(rs.getLong(1), sums, counts, squares, mins, maxs);
      } catch (SQLException e) {
        throw SqlFailures.of("the totals query failed: ", e);
      }
    }
  }

  public SegmentTotals segmentTotals(Map<String, Rule> segments, Instant asOf,
      List<Measure> measures, List<String> numberTraits, BitSet spread) {
    synchronized (db) {
      List<String> names = new ArrayList<>(segments.keySet());
      int values = measures.size() + numberTraits.size();
      int masks = SqlCompiler.maskColumns(names.size());
      SqlCompiler.SqlQuery q = db.compiler().membershipMasks(new ArrayList<>(segments.values()), asOf, measures, numberTraits);
      // One row per combination of segments that occurs, with its profiles' statistics; the per-segment totals and the
      // pairwise overlaps are exact sums over the rows whose mask has the segment's bit (both bits, for an overlap).
      StringBuilder sql = new StringBuilder("SELECT ");
      for (int m = 0; m < masks; m++) {
        sql.append(m > 0 ? ", " : "").append("_sm").append(m);
      }
      sql.append(", count(*)");
      // Where each value's statistics start among the result's columns: count and sum, then for a spread value the
      // sum of squares, the minimum and the maximum.
      int[] column = new int[values];
      int next = masks + 2;
      for (int i = 0; i < values; i++) {
        String x = "_v" + i;
        column[i] = next;
        sql.append(", count(").append(x).append("), sum(").append(x).append(")");
        next += 2;
        if (spread.get(i)) {
          sql.append(", sum(").append(x).append(" * ").append(x).append("), min(").append(x).append("), max(").append(x).append(")");
          next += 3;
        }
      }
      sql.append(" FROM (").append(q.sql()).append(")");
      // Profiles in no segment are left out, unless a segment holds everyone (the filter would then recompute every
      // profile's mask for nothing).
      if (segments.values().stream().noneMatch(r -> r instanceof Rule.And a && a.rules().isEmpty())) {
        sql.append(" WHERE ");
        for (int m = 0; m < masks; m++) {
          sql.append(m > 0 ? " OR " : "").append("_sm").append(m).append(" <> 0");
        }
      }
      sql.append(" GROUP BY ALL");
      int n = names.size();
      long[] members = new long[n];
      long[][] counts = new long[n][values];
      double[][] sums = new double[n][values];
      double[][] squares = new double[n][values];
      double[][] mins = new double[n][values];
      double[][] maxs = new double[n][values];
      for (double[] row : mins) {
        Arrays.fill(row, Double.NaN);
      }
      for (double[] row : maxs) {
        Arrays.fill(row, Double.NaN);
      }
      long[][] both = new long[n][n];
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(new SqlCompiler.SqlQuery(sql.toString(), q.params())))) {
        int[] in = new int[n];
        while (rs.next()) {
          int k = 0;
          for (int i = 0; i < n; i++) {
            if ((rs.getLong(1 + i / SqlCompiler.MASK_BITS) >>> (i % SqlCompiler.MASK_BITS) & 1L) != 0) {
              in[k++] = i;
            }
          }
          long c = rs.getLong(masks + 1);
          for (int a = 0; a < k; a++) {
            int i = in[a];
            members[i] += c;
            for (int b = a; b < k; b++) {
              both[i][in[b]] += c;
            }
          }
          for (int v = 0; v < values; v++) {
            int col = column[v];
            long cnt = rs.getLong(col);
            if (cnt == 0) {
              continue;
            }
            boolean spreads = spread.get(v);
            double sum = Db.orZero(rs, col + 1);
            double sq = spreads ? Db.orZero(rs, col + 2) : Double.NaN;
            double mn = spreads ? Db.orNaN(rs, col + 3) : Double.NaN;
            double mx = spreads ? Db.orNaN(rs, col + 4) : Double.NaN;
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
      } catch (SQLException e) {
        throw SqlFailures.of("the segment totals query failed: ", e);
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++) {
          both[i][j] = both[j][i];
        }
      }
      Map<String, Totals> totals = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        if (members[i] == 0) {
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
      List<Double> none = Collections.nCopies(values, 0.0);
      List<Long> zero = Collections.nCopies(values, 0L);
      List<Double> nan = Collections.nCopies(values, Double.NaN);
      for (String name : names) {
        totals.putIfAbsent(name, new Totals(0, none, zero, none, nan, nan));
      }
      // In the order of the names, as callers read them.
      Map<String, Totals> ordered = new LinkedHashMap<>();
      names.forEach(name -> ordered.put(name, totals.get(name)));
      return new SegmentTotals(ordered, names, both);
    }
  }
}
