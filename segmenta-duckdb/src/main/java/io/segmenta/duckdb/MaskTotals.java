package io.segmenta.duckdb;

import io.segmenta.core.rule.Rule;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Measure;
import java.util.BitSet;
import io.segmenta.sql.MaskGroups;
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
      SqlCompiler.SqlQuery q = db.compiler().membershipMasks(new ArrayList<>(segments.values()), asOf, measures, numberTraits);
      MaskGroups groups = new MaskGroups(names, measures.size() + numberTraits.size(), spread);
      String sql = groups.sql(q.sql(), new ArrayList<>(segments.values()));
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(new SqlCompiler.SqlQuery(sql, q.params())))) {
        MaskGroups.Row row = new MaskGroups.Row() {
          @Override
          public long count(int column) {
            try {
              return rs.getLong(column + 1);
            } catch (SQLException e) {
              throw SqlFailures.of("the segment totals query failed: ", e);
            }
          }

          @Override
          public double number(int column, double absent) {
            try {
              double d = rs.getDouble(column + 1);
              return rs.wasNull() ? absent : d;
            } catch (SQLException e) {
              throw SqlFailures.of("the segment totals query failed: ", e);
            }
          }
        };
        while (rs.next()) {
          groups.add(row);
        }
      } catch (SQLException e) {
        throw SqlFailures.of("the segment totals query failed: ", e);
      }
      return groups.totals();
    }
  }
}
