package io.segmenta.spark;

import io.segmenta.core.lake.Lake;
import io.segmenta.core.lake.LakeEngine;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The {@link LakeEngine} called {@code spark}, found by the CLI through {@code META-INF/services} when segmenta-spark
 * and Spark's jars are on its class path (the {@code segmenta} script puts them there for {@code --engine spark}). It
 * starts a session on the master, or joins the one running in this JVM (under {@code spark-submit}, or a test's),
 * which it then leaves running when the lake is closed.
 */
public final class SparkLakeEngine implements LakeEngine {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Lake open(String master, Path dir) {
    boolean running = SparkSession.getDefaultSession().isDefined() || SparkSession.getActiveSession().isDefined();
    SparkSession spark = running ? SparkSession.active() : SparkSessions.start(master);
    if (!running) {
      spark.sparkContext().setLogLevel("WARN");
    }
    try {
      return new SparkLakePorts(SparkLake.open(spark, dir), !running);
    } catch (RuntimeException e) {
      if (!running) {
        spark.stop();
      }
      throw e;
    }
  }
}
