package io.segmenta.sql;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.port.ExperimentData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up the rows of {@link ExperimentSql}'s query (one per variant and combination of segments) into the
 * {@link ExperimentData} cells, for every engine that runs it (DuckDB's store, Spark's lake), so the engines cannot
 * drift apart in how they sum. Why on the caller's side: a unit belongs to several segments, and each segment's cell
 * is the exact sum over the rows whose mask has its bit (as {@link MaskGroups} does for segment totals).
 */
public final class ExperimentCells {
  /** The variant of units whose exposures name a variant the experiment does not have, until it is named. */
  private static final String UNKNOWN_VARIANT = "\u0000unknown";

  private final Experiment experiment;
  private final List<String> names;
  private final int masks;
  private final int metrics;
  /** Per variant, per (segment + 1): units and the five sums of each metric. */
  private final Map<String, double[][]> acc = new LinkedHashMap<>();
  private long multiple;

  public ExperimentCells(Experiment experiment, List<String> segmentNames) {
    this.experiment = experiment;
    this.names = List.copyOf(segmentNames);
    this.masks = SqlCompiler.maskColumns(names.size());
    this.metrics = experiment.metrics().size();
  }

  /** Adds one row of the query, read by 0-based column: v, nv, the masks, units, then five sums per metric. */
  public void add(MaskGroups.Row rs) {
    int position = (int) rs.count(0);
    String variant = position == 0 ? UNKNOWN_VARIANT : experiment.allocation().variants().get(position - 1).key();
    boolean several = rs.count(1) > 1;
    long[] mask = new long[masks];
    for (int m = 0; m < masks; m++) {
      mask[m] = rs.count(2 + m);
    }
    int c = 2 + masks;
    long units = rs.count(c);
    if (several) {
      multiple += units;
      return;
    }
    double[] row = new double[1 + 5 * metrics];
    row[0] = units;
    for (int k = 0; k < 5 * metrics; k++) {
      row[1 + k] = rs.number(c + 1 + k, 0.0);
    }
    double[][] cellsOfVariant = acc.computeIfAbsent(variant, k -> new double[names.size() + 1][1 + 5 * metrics]);
    add(cellsOfVariant[0], row);
    for (int i = 0; i < names.size(); i++) {
      if ((mask[i / SqlCompiler.MASK_BITS] >>> (i % SqlCompiler.MASK_BITS) & 1L) != 0) {
        add(cellsOfVariant[i + 1], row);
      }
    }
  }

  /** Whether some unit's variant is one the experiment does not have: then ask {@link #unknownVariants} for their names. */
  public boolean hasUnknownVariants() {
    return acc.containsKey(UNKNOWN_VARIANT);
  }

  /**
   * The query counting the people a campaign held out of the experiment (its {@code experiment_held_out} events,
   * within the exposures' bounds: from the start, the stop exclusive, the as-of instant inclusive): two columns,
   * what held them out and how many, for {@link #heldOut(Map)}.
   */
  public SqlCompiler.SqlQuery heldOutQuery(Instant asOf) {
    boolean stopped = experiment.stop() != null && !experiment.stop().isAfter(asOf);
    List<Object> params = new ArrayList<>(List.of(Experiment.HELD_OUT_EVENT, experiment.key(), ParamValues.timestamp(stopped ? experiment.stop() : asOf)));
    String sql = "SELECT campaign, count(DISTINCT pkey) FROM events WHERE type = ? AND experiment_id = ? AND ts " + (stopped ? "<" : "<=") + " ?";
    if (experiment.start() != null) {
      sql += " AND ts >= ?";
      params.add(ParamValues.timestamp(experiment.start()));
    }
    return new SqlCompiler.SqlQuery(sql + " GROUP BY campaign", params);
  }

  /** The data with the held-out counts read by {@link #heldOutQuery} (a row without a campaign is {@code unknown}). */
  public static ExperimentData heldOut(ExperimentData data, Map<String, Long> counts) {
    return new ExperimentData(data.segments(), data.cells(), data.multipleVariantUnits(), counts);
  }

  /** The query naming up to 20 variants the experiment does not have, one column of names, sorted. */
  public SqlCompiler.SqlQuery unknownVariants() {
    StringBuilder sql = new StringBuilder("SELECT DISTINCT variation_id FROM events WHERE type = '" + Experiment.EXPOSURE_EVENT
        + "' AND experiment_id = ? AND variation_id IS NOT NULL AND variation_id NOT IN (");
    List<Object> params = new ArrayList<>();
    params.add(experiment.key());
    for (int i = 0; i < experiment.allocation().variants().size(); i++) {
      sql.append(i > 0 ? ", ?" : "?");
      params.add(experiment.allocation().variants().get(i).key());
    }
    sql.append(") ORDER BY 1 LIMIT 20");
    return new SqlCompiler.SqlQuery(sql.toString(), params);
  }

  /** The cells, everyone's first, variants in name order; {@code unknownNames} names the variants of {@link #hasUnknownVariants} (else ignored). */
  public ExperimentData data(List<String> unknownNames) {
    String named = "variants the experiment does not have: " + String.join(", ", unknownNames);
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
        // Rare: the variants the experiment does not have are named, so the report can say which they were.
        String variant = v.getKey().equals(UNKNOWN_VARIANT) ? named : v.getKey();
        cells.add(new ExperimentData.Cell(i == 0 ? null : names.get(i - 1), variant, (long) x[0], sums));
      }
    }
    return new ExperimentData(names, cells, multiple);
  }

  private static void add(double[] into, double[] row) {
    for (int k = 0; k < row.length; k++) {
      into[k] += row[k];
    }
  }
}
