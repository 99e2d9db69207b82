package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.lake.Lake;
import io.segmenta.core.lake.LakeEngine;
import io.segmenta.core.lake.LakeEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Which engine a batch command runs on: the embedded store (default) or Spark over a lake (docs/spark.md). Spark is
 * never on the CLI's own class path: its engine is found by name ({@link LakeEngines}) when the {@code segmenta}
 * script has added segmenta-spark and Spark's jars for {@code --engine spark}, so every other call starts as fast
 * as before.
 */
final class EngineOptions {
  static final String SPARK = "spark";

  /**
   * The master URLs Spark takes (its SparkContext and SparkSubmit): {@code local}, {@code local[N]}, {@code local[*]},
   * {@code local[N,F]}, {@code local-cluster[...]}, {@code spark://host:port[,host:port]}, {@code yarn},
   * {@code k8s://...}. Checked here, since Spark answers a typo with a stack trace after seconds of starting.
   */
  private static final Pattern MASTER = Pattern.compile(
      "local|local\\[(\\*|[1-9][0-9]*)(,\\s*[0-9]+)?]|local-cluster\\[[0-9, ]+]|spark://[^\\s/]+(,[^\\s/]+)*|yarn|k8s://\\S+");

  @Option(names = "--engine", defaultValue = "duckdb", description = "duckdb (default: the embedded store) or spark (the lake given by --lake; docs/spark.md).")
  String engine;

  @Option(names = "--master", defaultValue = "local[*]", description = "With --engine spark: Spark's master, local[N] or spark://host:7077 (default local[*]).")
  String master;

  @Option(names = "--lake", paramLabel = "DIR", description = "With --engine spark: the lake to read (docs/lake.md; segmenta export-store --format parquet DIR writes one).")
  Path lake;

  /** Whether the command runs on a lake; the option mistakes are named before anything starts. */
  boolean onLake() {
    if (!engine.equals("duckdb") && !engine.equals(SPARK)) {
      throw new UserException("--engine must be duckdb or spark, got '" + engine + "'");
    }
    if (engine.equals("duckdb")) {
      if (lake != null) {
        throw new UserException("--lake is read by --engine spark only; add --engine spark, or leave --lake out to read the store");
      }
      return false;
    }
    if (!MASTER.matcher(master).matches()) {
      throw new UserException("--master: '" + master + "' is not a Spark master; use local[N], local[*], spark://host:7077, yarn or k8s://https://host:port");
    }
    if (lake == null) {
      throw new UserException("--engine spark needs --lake DIR: a lake in the layout of docs/lake.md (segmenta export-store --format parquet DIR writes one)");
    }
    return true;
  }

  /** Opens the lake on Spark: the lake is checked first, as Spark takes seconds to start. */
  Lake open() {
    if (!onLake()) {
      throw new IllegalStateException("not on a lake");
    }
    if (!Files.isRegularFile(lake.resolve("lake.properties"))) {
      throw new UserException("--lake: no lake.properties in " + lake.toAbsolutePath().normalize()
          + " (write a lake with segmenta export-store --format parquet DIR, or see docs/lake.md)");
    }
    LakeEngine spark = LakeEngines.find(SPARK).orElseThrow(() -> new UserException("--engine spark: Spark is not on the class path; run the segmenta script,"
        + " which builds segmenta-spark and adds Spark's jars (from $SPARK_HOME/jars when set), or see docs/spark.md"));
    return spark.open(master, lake);
  }
}
