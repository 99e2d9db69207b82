package io.segmenta.duckdb;

import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.rule.Rule;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.segmenta.sql.SqlCompiler;
import io.segmenta.sql.ExperimentSql;

/**
 * The experiment analysis's reads: per-variant sufficient statistics, compiled by {@link ExperimentSql}. Takes the store's lock ({@link Db}) as the store did.
 */
final class ExperimentQueries implements ExperimentReads {
  private final Db db;

  ExperimentQueries(Db db) {
    this.db = db;
  }

  @Override
  public ExperimentData experimentData(Experiment e, Map<String, Rule> segments, Instant segmentsAsOf, Instant asOf) {
    synchronized (db) {
      List<String> names = new ArrayList<>(segments.keySet());
      SqlCompiler.SqlQuery q = ExperimentSql.build(db.compiler(), e, new ArrayList<>(segments.values()), segmentsAsOf, asOf);
      int masks = SqlCompiler.maskColumns(names.size());
      int metrics = e.metrics().size();
      // Per (segment + 1, variant): units and the five sums of each metric, added up over the mask rows.
      Map<String, double[][]> acc = new LinkedHashMap<>();
      long multiple = 0;
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        while (rs.next()) {
          int position = rs.getInt(1);
          String variant = position == 0 ? UNKNOWN_VARIANT : e.allocation().variants().get(position - 1).key();
          boolean several = rs.getInt(2) > 1;
          long[] mask = new long[masks];
          for (int m = 0; m < masks; m++) {
            mask[m] = rs.getLong(3 + m);
          }
          int c = 3 + masks;
          long units = rs.getLong(c);
          if (several) {
            multiple += units;
            continue;
          }
          double[] row = new double[1 + 5 * metrics];
          row[0] = units;
          for (int k = 0; k < 5 * metrics; k++) {
            row[1 + k] = Db.orZero(rs, c + 1 + k);
          }
          double[][] cellsOfVariant = acc.computeIfAbsent(variant, k -> new double[names.size() + 1][1 + 5 * metrics]);
          add(cellsOfVariant[0], row);
          for (int i = 0; i < names.size(); i++) {
            if ((mask[i / SqlCompiler.MASK_BITS] >>> (i % SqlCompiler.MASK_BITS) & 1L) != 0) {
              add(cellsOfVariant[i + 1], row);
            }
          }
        }
      } catch (SQLException ex) {
        throw SqlFailures.of("the experiment query failed: ", ex);
      }
      List<ExperimentData.Cell> cells = new ArrayList<>();
      for (int i = 0; i <= names.size(); i++) {
        for (Map.Entry<String, double[][]> v : new TreeMap<>(acc).entrySet()) {
          double[] x = v.getValue()[i];
          if (x[0] == 0) {
            continue;
          }
          List<ExperimentData.Sums> sums = new ArrayList<>();
          for (int j = 0; j < metrics; j++) {
            int k = 1 + 5 * j;
            sums.add(new ExperimentData.Sums(x[k], x[k + 1], x[k + 2], x[k + 3], x[k + 4]));
          }
          cells.add(new ExperimentData.Cell(i == 0 ? null : names.get(i - 1), v.getKey(), (long) x[0], sums));
        }
      }
      if (acc.containsKey(UNKNOWN_VARIANT)) {
        // Rare: name the variants the experiment does not have, so the report can say which they were.
        String named = unknownVariantNames(e);
        List<ExperimentData.Cell> renamed = new ArrayList<>();
        for (ExperimentData.Cell c : cells) {
          renamed.add(c.variant().equals(UNKNOWN_VARIANT) ? new ExperimentData.Cell(c.segment(), named, c.units(), c.metrics()) : c);
        }
        cells = renamed;
      }
      return new ExperimentData(names, cells, multiple, heldOut(e, asOf));
    }
  }

  /** Per campaign (what held them out), the people held out of the experiment between its start and stop, up to {@code asOf}. */
  private Map<String, Long> heldOut(Experiment e, Instant asOf) {
    // The bounds of the exposures (ExperimentSql): the stop exclusive, the as-of instant inclusive.
    boolean stopped = e.stop() != null && !e.stop().isAfter(asOf);
    Instant until = stopped ? e.stop() : asOf;
    String sql = "SELECT campaign, count(DISTINCT pkey) FROM events WHERE type = ? AND experiment_id = ? AND ts " + (stopped ? "<" : "<=") + " ?"
        + (e.start() == null ? "" : " AND ts >= ?") + " GROUP BY campaign";
    Map<String, Long> out = new TreeMap<>();
    try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
      ps.setString(1, Experiment.HELD_OUT_EVENT);
      ps.setString(2, e.key());
      ps.setObject(3, LocalDateTime.ofInstant(until, ZoneOffset.UTC));
      if (e.start() != null) {
        ps.setObject(4, LocalDateTime.ofInstant(e.start(), ZoneOffset.UTC));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1) == null ? "unknown" : rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException ex) {
      throw SqlFailures.of("could not count the people held out of the experiment: ", ex);
    }
    return out;
  }

  private static final String UNKNOWN_VARIANT = "\u0000unknown";

  private String unknownVariantNames(Experiment e) {
    StringBuilder sql = new StringBuilder("SELECT DISTINCT variation_id FROM events WHERE type = '" + Experiment.EXPOSURE_EVENT
        + "' AND experiment_id = ? AND variation_id IS NOT NULL AND variation_id NOT IN (");
    for (int i = 0; i < e.allocation().variants().size(); i++) {
      sql.append(i > 0 ? ", ?" : "?");
    }
    sql.append(") ORDER BY 1 LIMIT 20");
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = db.conn.prepareStatement(sql.toString())) {
      ps.setString(1, e.key());
      for (int i = 0; i < e.allocation().variants().size(); i++) {
        ps.setString(i + 2, e.allocation().variants().get(i).key());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    } catch (SQLException ex) {
      throw SqlFailures.of("could not name unknown variants: ", ex);
    }
    return "variants the experiment does not have: " + String.join(", ", out);
  }

  private static void add(double[] into, double[] row) {
    for (int k = 0; k < row.length; k++) {
      into[k] += row[k];
    }
  }
}
