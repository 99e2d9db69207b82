package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes of {@code --engine}, each one line naming the option, before any engine starts. Spark is not on this
 * module's class path (it never is: the architecture test keeps it in segmenta-spark), so the last check is real.
 * Running on Spark: segmenta-spark's SparkCliTest.
 */
class EngineOptionsCliTest {
  @TempDir
  Path dir;

  private CliTest.Result mistake(String... args) {
    CliTest.Result r = CliTest.run(args);
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    return r;
  }

  @Test
  void engine_unknown_namesTheValue() {
    CliTest.Result r = mistake("segment", "count", "count(order) >= 1", "--engine", "flink", "--data-dir", dir.toString());
    assertTrue(r.err().contains("--engine must be duckdb or spark, got 'flink'"), r.err());
  }

  @Test
  void master_notASparkMaster_namedBeforeSparkStarts() {
    for (String typo : new String[] {"lokal[2]", "local[0]", "local[two]", "spark:/host:7077", "http://host:7077"}) {
      CliTest.Result r = mistake("segment", "count", "count(order) >= 1", "--engine", "spark", "--master", typo, "--lake", dir.toString());
      assertTrue(r.err().contains("--master: '" + typo + "' is not a Spark master"), r.err());
    }
    for (String good : new String[] {"local", "local[2]", "local[*]", "local[2,3]", "spark://a:7077,b:7077", "yarn", "k8s://https://k:443"}) {
      CliTest.Result r = mistake("segment", "count", "count(order) >= 1", "--engine", "spark", "--master", good, "--lake", dir.toString());
      assertTrue(r.err().contains("--lake: no lake.properties"), good + ": " + r.err());
    }
  }

  @Test
  void engineSpark_withoutLake_asksForIt() {
    CliTest.Result r = mistake("rfm", "--engine", "spark", "--data-dir", dir.toString());
    assertTrue(r.err().contains("--engine spark needs --lake DIR"), r.err());
  }

  @Test
  void lake_withoutLakeProperties_namesTheDirectory() throws IOException {
    Path notALake = Files.createDirectories(dir.resolve("not-a-lake"));
    CliTest.Result r = mistake("value", "count(order) >= 1", "--engine", "spark", "--lake", notALake.toString());
    assertTrue(r.err().contains("--lake: no lake.properties in ") && r.err().contains("not-a-lake"), r.err());
  }

  @Test
  void engineSpark_sparkNotOnTheClassPath_saysHowToGetIt() throws IOException {
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Files.writeString(lake.resolve("lake.properties"), "layout=1\n");
    for (String command : new String[] {"cohorts", "clv"}) {
      CliTest.Result r = mistake(command, "--engine", "spark", "--lake", lake.toString());
      assertTrue(r.err().contains("Spark is not on the class path") && r.err().contains("segmenta script") && r.err().contains("SPARK_HOME"), r.err());
    }
  }

  @Test
  void experimentAnalyze_engineSparkWithoutLake_asksForIt() {
    CliTest.Result r = mistake("experiment", "analyze", "exp-1", "--engine", "spark", "--data-dir", dir.toString());
    assertTrue(r.err().contains("--engine spark needs --lake DIR"), r.err());
  }

  @Test
  void experimentAnalyze_onALakeWithoutTheDefinition_saysWhereItIsRead() throws IOException {
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Files.writeString(lake.resolve("lake.properties"), "layout=1\n");
    // The store is read before Spark is looked for: this module has no Spark, and the mistake is still this one.
    String data = dir.resolve("data").toString();
    CliTest.Result none = mistake("experiment", "analyze", "exp-1", "--engine", "spark", "--lake", lake.toString(), "--data-dir", data);
    assertTrue(none.err().contains("no store in ") && none.err().contains("read from the store at --data-dir"), none.err());
    assertEquals(0, CliTest.run("segment", "check", "country = \"DK\"", "--data-dir", data).code(), "an empty store");
    CliTest.Result r = mistake("experiment", "analyze", "exp-1", "--engine", "spark", "--lake", lake.toString(), "--data-dir", data);
    assertTrue(r.err().contains("there is no experiment 'exp-1'") && r.err().contains("read from the store at --data-dir"), r.err());
  }

  @Test
  void lake_withTheStoreEngine_refused() {
    CliTest.Result r = mistake("segment", "members", "count(order) >= 1", "--lake", dir.toString(), "--data-dir", dir.toString());
    assertTrue(r.err().contains("--lake is read by --engine spark only"), r.err());
  }

  @Test
  void intoStore_withoutALake_refused() {
    for (String command : new String[] {"rfm", "clv"}) {
      CliTest.Result r = mistake(command, "--into-store", "--data-dir", dir.toString());
      assertTrue(r.err().contains("--into-store") && r.err().contains("--engine spark"), r.err());
    }
  }
}
