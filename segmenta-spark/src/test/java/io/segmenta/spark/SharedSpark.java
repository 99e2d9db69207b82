package io.segmenta.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of the module's tests (local[2], about 4 s to start): every test class opens its
 * lakes in it (each lake in a new session of it, so views never collide), and the JVM's exit stops it.
 */
final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSessions.start("local[2]");
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
