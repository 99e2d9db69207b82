package io.segmenta.duckdb;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.rule.Rule;
import io.segmenta.sql.ExperimentCells;
import io.segmenta.sql.ExperimentSql;
import io.segmenta.sql.MaskGroups;
import io.segmenta.sql.SqlCompiler;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The experiment analysis's reads: per-variant sufficient statistics, compiled by {@link ExperimentSql} and added
 * up per segment by {@link ExperimentCells} (shared with the Spark engine). Takes the store's lock ({@link Db}) as the
 * store did.
 */
final class ExperimentQueries implements ExperimentReads {
  private final Db db;

  ExperimentQueries(Db db) {
    this.db = db;
  }

  @Override
  public ExperimentData experimentData(Experiment e, Map<String, Rule> segments, Instant segmentsAsOf, Instant asOf) {
    synchronized (db) {
      ExperimentCells cells = new ExperimentCells(e, new ArrayList<>(segments.keySet()));
      SqlCompiler.SqlQuery q = ExperimentSql.build(db.compiler(), e, new ArrayList<>(segments.values()), segmentsAsOf, asOf);
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        MaskGroups.Row row = new MaskGroups.Row() {
          @Override
          public long count(int column) {
            try {
              return rs.getLong(column + 1);
            } catch (SQLException ex) {
              throw SqlFailures.of("the experiment query failed: ", ex);
            }
          }

          @Override
          public double number(int column, double absent) {
            try {
              double d = rs.getDouble(column + 1);
              return rs.wasNull() ? absent : d;
            } catch (SQLException ex) {
              throw SqlFailures.of("the experiment query failed: ", ex);
            }
          }
        };
        while (rs.next()) {
          cells.add(row);
        }
      } catch (SQLException ex) {
        throw SqlFailures.of("the experiment query failed: ", ex);
      }
      List<String> unknown = new ArrayList<>();
      if (cells.hasUnknownVariants()) {
        try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(cells.unknownVariants()))) {
          while (rs.next()) {
            unknown.add(rs.getString(1));
          }
        } catch (SQLException ex) {
          throw SqlFailures.of("could not name unknown variants: ", ex);
        }
      }
      return ExperimentCells.heldOut(cells.data(unknown), heldOut(cells, asOf));
    }
  }

  /** Per campaign (what held them out), the people held out of the experiment ({@link ExperimentCells#heldOutQuery}). */
  private Map<String, Long> heldOut(ExperimentCells cells, Instant asOf) {
    Map<String, Long> out = new TreeMap<>();
    try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(cells.heldOutQuery(asOf)))) {
      while (rs.next()) {
        out.put(rs.getString(1) == null ? "unknown" : rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException ex) {
      throw SqlFailures.of("could not count the people held out of the experiment: ", ex);
    }
    return out;
  }
}
