package io.segmenta.spark;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.sql.ExperimentCells;
import io.segmenta.sql.ExperimentSql;
import io.segmenta.sql.MaskGroups;
import io.segmenta.sql.SparkDialect;
import io.segmenta.sql.SqlCompiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * The experiment analysis's reads on Spark: segmenta-sql's {@link ExperimentSql} query in {@link SparkDialect} over
 * the lake, whose exposures are its {@code experiment_viewed} events (with {@code experiment_id} and
 * {@code variation_id}, as the embedded store keeps them), added up per segment by the same {@link ExperimentCells}
 * as the embedded store. So core's {@code Analysis} reports the same figures on both engines.
 */
public final class SparkExperimentReads implements ExperimentReads {
  private final SparkLake lake;
  private final SqlCompiler compiler;

  public SparkExperimentReads(SparkLake lake, SegmentResolver segments) {
    this.lake = lake;
    this.compiler = new SqlCompiler(lake.schema(), SparkDialect.INSTANCE, segments);
  }

  @Override
  public ExperimentData experimentData(Experiment e, Map<String, Rule> segments, Instant segmentsAsOf, Instant asOf) {
    ExperimentCells cells = new ExperimentCells(e, new ArrayList<>(segments.keySet()));
    SqlCompiler.SqlQuery q = ExperimentSql.build(compiler, e, new ArrayList<>(segments.values()), segmentsAsOf, asOf);
    for (Row r : lake.query(q.sql(), q.params()).collectAsList()) {
      cells.add(new MaskGroups.Row() {
        @Override
        public long count(int column) {
          return ((Number) r.get(column)).longValue();
        }

        @Override
        public double number(int column, double absent) {
          return SparkValues.number(r, column, absent);
        }
      });
    }
    List<String> unknown = new ArrayList<>();
    if (cells.hasUnknownVariants()) {
      SqlCompiler.SqlQuery names = cells.unknownVariants();
      for (Row r : lake.query(names.sql(), names.params()).collectAsList()) {
        unknown.add(r.getString(0));
      }
    }
    Map<String, Long> heldOut = new TreeMap<>();
    SqlCompiler.SqlQuery held = cells.heldOutQuery(asOf);
    for (Row r : lake.query(held.sql(), held.params()).collectAsList()) {
      heldOut.put(r.isNullAt(0) ? "unknown" : r.getString(0), r.getLong(1));
    }
    return ExperimentCells.heldOut(cells.data(unknown), heldOut);
  }
}
