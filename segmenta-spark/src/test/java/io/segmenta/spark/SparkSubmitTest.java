package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar under spark-submit, for real: {@code spark-submit} is {@code org.apache.spark.deploy.SparkSubmit}'s
 * main, so a child JVM runs it with Spark's jars alone on its class path (none of Segmenta's classes or libraries: they
 * must come from target/segmenta-spark-app.jar, which the build makes before the tests) and the command docs/spark.md
 * gives, on a lake exported from a store; its counts are the store's.
 */
class SparkSubmitTest {
  private static final Path APP = Path.of("target", "segmenta-spark-app.jar");

  @TempDir
  Path dir;

  /** Runs spark-submit in a child JVM; returns its exit code, standard output and standard error. */
  private static String[] submit(Path log, String... args) throws IOException, InterruptedException {
    // C1 only and one GC thread: a run of seconds on a small lake gains nothing from the optimising compiler.
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        command.add(a);
      }
    }
    // Spark and its libraries only: Segmenta's modules and their libraries must come from the application jar.
    String sparkOnly = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.matches(".*(segmenta|target[/\\\\](test-)?classes|pebble|unbescape|commons-math3|duckdb|picocli|javalin|jetty).*"))
        .collect(Collectors.joining(File.pathSeparator));
    command.addAll(List.of("-cp", sparkOnly, "org.apache.spark.deploy.SparkSubmit", "--master", "local[1]", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=2", "--class", "io.segmenta.spark.SparkJob", APP.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    long t0 = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not end");
    System.out.printf("%6d ms  spark-submit ... %s%n", (System.nanoTime() - t0) / 1_000_000, args[0]);
    return new String[] {Integer.toString(p.exitValue()), out, Files.readString(log)};
  }

  @Test
  void sparkSubmit_countOnALake_theStoresCounts() throws Exception {
    assertTrue(Files.isRegularFile(APP), "the build makes " + APP + " before the tests (maven-assembly-plugin, process-classes)");
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
    Instant asOf = RandomShop.END;
    String rule = "count(order in last 180 days) >= 1";
    long recent;
    long repeat;
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(9).data(80));
      s.segmentDefinitions().save(new SegmentDefinition("repeat", "count(order) >= 2", "", Instant.EPOCH));
      recent = s.audiences().run(new AudienceQuery.Count(RuleText.parseRule(rule), asOf));
      repeat = s.audiences().run(new AudienceQuery.Count(RuleText.parseRule("count(order) >= 2"), asOf));
    }
    assertTrue(recent > 0 && recent < 80 && repeat > 0, "the rules should split the shop: " + recent + ", " + repeat);
    DuckDb.exportParquet(config, dir.resolve("lake"));
    String[] r = submit(dir.resolve("submit.log"), "count", "--lake", dir.resolve("lake").toString(), "--as-of", asOf.toString(), rule, "repeat");
    assertEquals("0", r[0], r[2]);
    assertEquals(List.of("as_of\t" + asOf, rule + "\t" + recent, "repeat\t" + repeat), r[1].lines().toList(), r[2]);

    String[] wrong = submit(dir.resolve("wrong.log"), "score", "--lake", dir.resolve("lake").toString());
    assertEquals("2", wrong[0], wrong[2]);
    assertTrue(wrong[2].contains("segmenta-spark: command: the first argument must be one of count, export, rfm, value, recompute, got 'score'"), wrong[2]);
  }
}
