package io.segmenta.benchspark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;

/**
 * Where a Spark query's time goes, from Spark's own listener events (the figures the web UI's stage pages show):
 * the jobs' wall time (the union of their intervals), the task time of the stages that read files (scan, filter,
 * partial aggregation and the shuffle write after it) and of the stages that read a shuffle (final aggregation,
 * joins), rows and bytes read, shuffle bytes, and the driver's time outside any job: parsing, analysis, optimisation,
 * code generation, adaptive re-planning between jobs and collecting the result. Listener events arrive on Spark's
 * bus thread, so {@link #time} waits for the bus to drain before and after the timed call.
 */
final class StageClock extends SparkListener {
  /** One query's (or the mean of several queries') time and work; milliseconds. */
  record Spent(double wallMs, double jobsMs, double jobs, double stages, double tasks, double scanTaskMs, double shuffleTaskMs,
      double cpuMs, double gcMs, double rowsRead, double bytesRead, double shuffleBytes, double shuffleWriteMs) {
    /** The driver's time outside every job: planning, code generation, adaptive re-planning, collecting results. */
    double driverMs() {
      return Math.max(0, wallMs - jobsMs);
    }

    Spent plus(Spent o) {
      return new Spent(wallMs + o.wallMs, jobsMs + o.jobsMs, jobs + o.jobs, stages + o.stages, tasks + o.tasks, scanTaskMs + o.scanTaskMs,
          shuffleTaskMs + o.shuffleTaskMs, cpuMs + o.cpuMs, gcMs + o.gcMs, rowsRead + o.rowsRead, bytesRead + o.bytesRead,
          shuffleBytes + o.shuffleBytes, shuffleWriteMs + o.shuffleWriteMs);
    }

    Spent over(int n) {
      return new Spent(wallMs / n, jobsMs / n, jobs / n, stages / n, tasks / n, scanTaskMs / n, shuffleTaskMs / n, cpuMs / n, gcMs / n,
          rowsRead / n, bytesRead / n, shuffleBytes / n, shuffleWriteMs / n);
    }

    static final Spent NONE = new Spent(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** A timed call's value and what it cost. */
  record Timed<T>(T value, Spent spent) {}

  private final SparkSession spark;
  private final Map<Integer, Long> started = new HashMap<>();
  private final List<long[]> jobs = new ArrayList<>();
  private double stages;
  private double tasks;
  private double scanTaskMs;
  private double shuffleTaskMs;
  private double cpuMs;
  private double gcMs;
  private double rowsRead;
  private double bytesRead;
  private double shuffleBytes;
  private double shuffleWriteMs;

  private StageClock(SparkSession spark) {
    this.spark = spark;
  }

  /** A clock listening to {@code spark}'s context (every session of it). */
  static StageClock on(SparkSession spark) {
    StageClock clock = new StageClock(spark);
    spark.sparkContext().addSparkListener(clock);
    return clock;
  }

  /** Runs {@code call} alone and returns its value with the time and work of the jobs it ran. */
  <T> Timed<T> time(Supplier<T> call) {
    drain();
    reset();
    long t0 = System.nanoTime();
    T value = call.get();
    double wall = (System.nanoTime() - t0) / 1e6;
    drain();
    return new Timed<>(value, snapshot(wall));
  }

  private void drain() {
    // private[spark] in Scala, public in the bytecode: the bus Spark's own tests wait on.
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } catch (TimeoutException e) {
      throw new IllegalStateException("spark's listener bus did not drain in a minute", e);
    }
  }

  private synchronized void reset() {
    started.clear();
    jobs.clear();
    stages = 0;
    tasks = 0;
    scanTaskMs = 0;
    shuffleTaskMs = 0;
    cpuMs = 0;
    gcMs = 0;
    rowsRead = 0;
    bytesRead = 0;
    shuffleBytes = 0;
    shuffleWriteMs = 0;
  }

  private synchronized Spent snapshot(double wallMs) {
    return new Spent(wallMs, union(jobs), jobs.size(), stages, tasks, scanTaskMs, shuffleTaskMs, cpuMs, gcMs, rowsRead, bytesRead,
        shuffleBytes, shuffleWriteMs);
  }

  /** The length of the union of intervals (jobs of one query may overlap: broadcasts run beside the main job). */
  static double union(List<long[]> intervals) {
    List<long[]> sorted = new ArrayList<>(intervals);
    sorted.sort(Comparator.comparingLong(i -> i[0]));
    long total = 0;
    long from = Long.MIN_VALUE;
    long to = Long.MIN_VALUE;
    for (long[] i : sorted) {
      if (i[0] > to) {
        total += to - from;
        from = i[0];
        to = i[1];
      } else {
        to = Math.max(to, i[1]);
      }
    }
    return total + (to - from);
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart e) {
    started.put(e.jobId(), e.time());
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd e) {
    Long from = started.remove(e.jobId());
    if (from != null) {
      jobs.add(new long[] {from, e.time()});
    }
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo info = e.stageInfo();
    TaskMetrics m = info.taskMetrics();
    if (m == null) {
      return;
    }
    stages++;
    tasks += info.numTasks();
    long read = m.inputMetrics().recordsRead();
    if (read > 0) {
      scanTaskMs += m.executorRunTime();
    } else {
      shuffleTaskMs += m.executorRunTime();
    }
    rowsRead += read;
    bytesRead += m.inputMetrics().bytesRead();
    shuffleBytes += m.shuffleReadMetrics().totalBytesRead();
    shuffleWriteMs += m.shuffleWriteMetrics().writeTime() / 1e6;
    cpuMs += m.executorCpuTime() / 1e6;
    gcMs += m.jvmGCTime();
  }
}
