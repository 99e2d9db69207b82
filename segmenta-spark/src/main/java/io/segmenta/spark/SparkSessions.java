package io.segmenta.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session the engine runs in: a master URL ({@code local[2]}, {@code spark://host:7077}) and
 * the few settings Segmenta's queries need. Under {@code spark-submit} the submitted session is used as it is and
 * {@link SparkLake} sets the per-session SQL settings itself.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session on {@code master}. Shuffle partitions follow the cores of a local master (Spark's default of 200 is
   * meant for clusters: on two cores it turns a small aggregation into 200 tasks); the web UI is off.
   */
  public static SparkSession start(String master) {
    int partitions = localCores(master);
    SparkSession.Builder b = SparkSession.builder().master(master).appName("segmenta")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC");
    if (partitions > 0) {
      b = b.config("spark.sql.shuffle.partitions", Integer.toString(partitions))
          .config("spark.default.parallelism", Integer.toString(partitions))
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    return b.getOrCreate();
  }

  /** The threads of {@code local[n]} ({@code local}: 1, {@code local[*]}: the machine's), or 0 for a cluster. */
  static int localCores(String master) {
    if (master.equals("local")) {
      return 1;
    }
    if (master.startsWith("local[") && master.endsWith("]")) {
      String n = master.substring(6, master.length() - 1);
      if (n.equals("*")) {
        return Runtime.getRuntime().availableProcessors();
      }
      try {
        return Math.max(1, Integer.parseInt(n.split(",")[0].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("master: not a local master 'local[N]': '" + master + "'");
      }
    }
    return 0;
  }
}
