package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code segmenta} script at the repository's root, run for real as a child process: {@code --engine spark}
 * puts segmenta-spark and Spark's jars on the class path and counts on a lake what the store counts; a call without
 * it leaves Spark off the class path. The script runs with {@code SEGMENTA_BUILD=0} (what target/ holds, no Maven
 * inside Maven), {@code SEGMENTA_FAST=0} (no class-data archive to make) and Spark's jars from {@code SPARK_HOME}: a
 * directory linking the Spark jars of this test's own class path, so no copy of them is needed. Its JVMs print their
 * class path ({@code -XshowSettings:properties}), which the test reads.
 *
 * <p>It needs the jars the script runs (segmenta-cli/target/segmenta.jar with target/classes and target/lib, and
 * segmenta-spark/target/segmenta-spark-*-SNAPSHOT.jar) newer than the classes compiled: Maven runs it at
 * integration-test, after this module's package (segmenta-spark/pom.xml); earlier it skips and says why.
 */
class SegmentaScriptTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCRIPT = ROOT.resolve("segmenta");
  private static final Path CLI_JAR = ROOT.resolve("segmenta-cli/target/segmenta.jar");
  private static final String RULE = "count(order in last 180 days) >= 1";

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  @Test
  void segmentCount_engineSparkThroughTheScript_theStoresCountAndSparkOnlyThen() throws Exception {
    Path sparkJar = requireBuilt();
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "256MB", 1, Map.of());
    Instant asOf = RandomShop.END;
    long expected;
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(11).data(60));
      s.segmentDefinitions().save(new SegmentDefinition("repeat", "count(order) >= 2", "", Instant.EPOCH));
      expected = s.audiences().run(new AudienceQuery.Count(RuleText.parseRule(RULE), asOf));
    }
    assertTrue(expected > 0 && expected < 60, "the rule should split the shop: " + expected);
    Path lake = dir.resolve("lake");
    DuckDb.exportParquet(config, lake);

    Run duck = script("-Xmx512m", "segment", "count", RULE, "--as-of", asOf.toString(), "--data-dir", config.dataDir().toString(), "--threads", "1",
        "--memory-limit", "256MB");
    assertEquals(0, duck.code(), duck.err());
    assertTrue(duck.out().startsWith(String.format("%,d of ", expected)), duck.out());
    List<String> plain = classPath(duck.err());
    assertFalse(plain.isEmpty(), "no class path printed: " + duck.err());
    assertTrue(plain.stream().noneMatch(SegmentaScriptTest::spark), "Spark on the class path without --engine spark: " + plain);
    // Started with -jar: the jar's manifest names the rest of its class path.
    try (JarFile jar = new JarFile(CLI_JAR.toFile())) {
      String manifest = Optional.ofNullable(jar.getManifest().getMainAttributes().getValue("Class-Path")).orElse("");
      assertTrue(manifest.contains("duckdb"), "the CLI jar's manifest should list its libraries: " + manifest);
      assertTrue(List.of(manifest.split(" ")).stream().noneMatch(SegmentaScriptTest::spark), "Spark in the CLI jar's manifest: " + manifest);
    }

    Run onSpark = script("-Xmx768m", "segment", "count", RULE, "--as-of", asOf.toString(), "--engine", "spark", "--master", "local[1]", "--lake",
        lake.toString());
    assertEquals(0, onSpark.code(), onSpark.err());
    assertEquals(duck.out(), onSpark.out(), "the same count on the lake as in the store");
    List<String> withSpark = classPath(onSpark.err());
    assertTrue(withSpark.contains(sparkJar.toString()), "segmenta-spark's jar should be on the class path: " + withSpark);
    assertTrue(withSpark.stream().anyMatch(e -> e.contains("spark-sql_2.13")), "Spark's jars should be on the class path: " + withSpark);
  }

  /** Skips, saying which, when a jar the script runs is missing or older than the classes this build compiled. */
  private static Path requireBuilt() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(SCRIPT), "no executable segmenta script at " + SCRIPT);
    Assumptions.assumeTrue(Files.isRegularFile(CLI_JAR) && Files.isDirectory(ROOT.resolve("segmenta-cli/target/lib")),
        "the script runs " + CLI_JAR + " and segmenta-cli/target/lib, which are not built (mvn package -pl segmenta-cli -am)");
    Assumptions.assumeFalse(newerThan(ROOT.resolve("segmenta-cli/target/classes"), Files.getLastModifiedTime(CLI_JAR)),
        CLI_JAR + " is older than segmenta-cli/target/classes: not this build's; mvn verify packages it before this test");
    Path sparkJar;
    try (Stream<Path> s = Files.list(ROOT.resolve("segmenta-spark/target"))) {
      sparkJar = s.filter(p -> p.getFileName().toString().matches("segmenta-spark-.*-SNAPSHOT\\.jar")).findFirst().orElse(null);
    }
    Assumptions.assumeTrue(sparkJar != null, "the script runs segmenta-spark/target/segmenta-spark-*-SNAPSHOT.jar, which is made at package:"
        + " this test runs at integration-test (mvn verify)");
    Assumptions.assumeFalse(newerThan(ROOT.resolve("segmenta-spark/target/classes"), Files.getLastModifiedTime(sparkJar)),
        sparkJar + " is older than segmenta-spark/target/classes: this test runs at integration-test (mvn verify), after the jar is made");
    return sparkJar;
  }

  private static boolean newerThan(Path classes, FileTime time) throws IOException {
    try (Stream<Path> s = Files.walk(classes)) {
      return s.filter(Files::isRegularFile).anyMatch(p -> {
        try {
          return Files.getLastModifiedTime(p).compareTo(time) > 0;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }

  private static boolean spark(String entry) {
    return entry.contains("segmenta-spark") || entry.matches(".*spark-(sql|core|catalyst)_.*");
  }

  /** Runs the script with {@code heap} in a directory of its own; its JVM prints its settings to standard error. */
  private Run script(String heap, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.put("SEGMENTA_BUILD", "0");
    env.put("SEGMENTA_FAST", "0");
    // C1 only and one GC thread: a short run gains nothing from the optimising compiler (as the script's fast path says).
    env.put("SEGMENTA_JAVA_OPTS", heap + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XshowSettings:properties");
    env.put("SPARK_HOME", sparkHome().toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.remove("SEGMENTA_DATA_DIR");
    env.remove("SEGMENTA_SPARK_LOGS");
    long t0 = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the script did not end: " + command);
    }
    System.out.printf("%6d ms  segmenta %s%n", (System.nanoTime() - t0) / 1_000_000, String.join(" ", args));
    return new Run(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * A Spark home whose {@code jars/} links the jars of this JVM's class path but Segmenta's and the CLI's own
   * libraries (the script adds those from segmenta-cli/target/lib), as an installed Spark's jars directory holds them.
   */
  private Path sparkHome() throws IOException {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    if (Files.isDirectory(jars)) {
      return home;
    }
    Files.createDirectories(jars);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      String name = jar.getFileName().toString();
      if (name.endsWith(".jar") && !name.matches("(segmenta|pebble|unbescape|commons-math3|duckdb|picocli|javalin|jetty|slf4j-simple|junit|opentest4j).*")
          && !Files.exists(jars.resolve(name))) {
        Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
      }
    }
    return home;
  }

  /** The entries of {@code java.class.path} in {@code -XshowSettings:properties} output (one per line, indented under it). */
  static List<String> classPath(String settings) {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : settings.lines().toList()) {
      if (line.strip().startsWith("java.class.path = ")) {
        in = true;
        out.add(line.strip().substring("java.class.path = ".length()));
      } else if (in && line.startsWith("        ")) {
        out.add(line.strip());
      } else if (in) {
        break;
      }
    }
    return out;
  }
}
