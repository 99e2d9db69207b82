package io.segmenta.spark;

import io.segmenta.core.UserException;
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
    SparkSession spark;
    try {
      spark = running ? SparkSession.active() : SparkSessions.start(master);
    } catch (RuntimeException e) {
      throw notStarted(master, e);
    }
    if (!running) {
      spark.sparkContext().setLogLevel("WARN");
    }
    try {
      return new SparkLakePorts(SparkLake.open(spark, dir), !running);
    } catch (RuntimeException e) {
      // A master that does not answer lets the session start, then stops its context when the scheduler gives up
      // (about a minute of retries); the lake's first job then fails as "LiveListenerBus is stopped".
      boolean stopped = spark.sparkContext().isStopped();
      if (!running) {
        spark.stop();
      }
      throw stopped && !running ? notStarted(master, e) : e;
    }
  }

  /** Spark's own failure names neither the master nor the cause; the user gets both, and where the rest is. */
  static UserException notStarted(String master, RuntimeException e) {
    return new UserException("--master " + master + ": Spark could not start a session there (" + rootCause(e)
        + "); a spark:// master must be running and reachable from this machine (SEGMENTA_SPARK_LOGS=1 shows Spark's log)", e);
  }

  /** The innermost cause's class and message, which is where Spark says what went wrong. */
  static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
