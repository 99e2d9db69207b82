package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.cli.Main;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.value.Value;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with {@code --engine spark} (found through META-INF/services, as the segmenta script runs it) gives the
 * embedded store's answers on a lake exported from that store: the same command twice, once with {@code --data-dir},
 * once with {@code --engine spark --lake}, the same output (numbers to 1e-9 relative). The write-backs: RFM scores into
 * the lake (read by rules from then on) and into a second store, memberships and their history, a Parquet export.
 * The CLI joins this JVM's shared session, so closing its lake leaves the session running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkCliTest {
  private static final String AS_OF = RandomShop.END.plusSeconds(86_400).toString();
  private static final Instant EXPERIMENT_START = Instant.parse("2025-03-01T00:00:00Z");

  @TempDir
  static Path dir;
  private Path data;
  private Path copy;
  private Path lake;

  record Result(int code, String out, String err) {}

  @BeforeAll
  void load() throws IOException {
    SharedSpark.get();
    data = dir.resolve("data");
    StoreConfig config = StoreConfig.resolve(data, "512MB", 2, Map.of());
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(7).data(250));
      s.segmentDefinitions().save(new SegmentDefinition("repeat", "count(order) >= 2", "", Instant.EPOCH));
      s.segmentDefinitions().save(new SegmentDefinition("big", "sum(order.revenue) > 300", "", Instant.EPOCH));
      s.segmentDefinitions().save(new SegmentDefinition("recent", "count(order in last 60 days) >= 1", "", Instant.EPOCH));
      s.profiles().write(experimentUnits(new SplittableRandom(7)));
      s.experimentDefinitions().save(ExperimentJson.parse("{\"key\": \"exp-1\", \"variants\": [\"control\", \"treatment\"], \"start\": \""
          + EXPERIMENT_START + "\", \"window\": \"14d\", \"metrics\": [\"purchase = count(order) >= 1\", \"revenue = sum(order.revenue)\"],"
          + " \"guardrails\": [\"return_rate = sum(return.value) / sum(order.revenue)\"]}"));
    }
    lake = dir.resolve("lake");
    DuckDb.exportParquet(config, lake);
    copy = dir.resolve("copy");
    copyTree(data, copy);
  }

  /**
   * Units of experiment exp-1 (profiles u0..u79, which the random shop does not have): one to three exposures from
   * ten days before its start, a few to the other variant, and orders (some returned) around them.
   */
  private static Batch experimentUnits(SplittableRandom r) {
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (int p = 0; p < 80; p++) {
      String id = "u" + p;
      profiles.add(new Profile(id, List.of(), Map.of("country", Value.of(r.nextBoolean() ? "DK" : "SE"))));
      String variant = r.nextBoolean() ? "control" : "treatment";
      for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
        String v = r.nextDouble() < 0.05 ? (variant.equals("control") ? "treatment" : "control") : variant;
        events.add(new Event("x" + p + "-" + k, id, null, "experiment_viewed", EXPERIMENT_START.minus(Duration.ofDays(10)).plusSeconds(r.nextLong(50L * 86_400)),
            Map.of("experiment_id", Value.of("exp-1"), "variation_id", Value.of(v)), List.of()));
      }
      for (int k = 0, orders = r.nextInt(5); k < orders; k++) {
        Instant at = EXPERIMENT_START.minus(Duration.ofDays(20)).plusSeconds(r.nextLong(80L * 86_400));
        double revenue = 10 + r.nextInt(200);
        events.add(new Event("o" + p + "-" + k, id, null, "order", at, Map.of("order_id", Value.of("o" + p + "-" + k), "revenue", Value.of(revenue)), List.of()));
        if (r.nextDouble() < 0.3) {
          events.add(new Event("t" + p + "-" + k, id, null, "return", at.plus(Duration.ofDays(2)), Map.of("value", Value.of(Math.floor(revenue / 2))), List.of()));
        }
      }
    }
    return new Batch(profiles, events);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  private Result store(String... args) {
    return ok(concat(args, "--data-dir", data.toString()));
  }

  private Result spark(String... args) {
    return ok(concat(args, "--engine", "spark", "--master", "local[2]", "--lake", lake.toString()));
  }

  private static Result ok(String[] args) {
    long t0 = System.nanoTime();
    Result r = run(args);
    System.out.printf("%6d ms  %s%n", (System.nanoTime() - t0) / 1_000_000, String.join(" ", args).replaceAll("/tmp/\\S*/", ""));
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
    return r;
  }

  private static String[] concat(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Line by line and cell by cell (comma-separated), numbers to 1e-9 relative: sums in another order. */
  private static void assertSameCsv(String expected, String actual) {
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    assertEquals(e.size(), a.size(), "lines:\n" + expected + "\n---\n" + actual);
    for (int i = 0; i < e.size(); i++) {
      String[] x = e.get(i).split(",", -1);
      String[] y = a.get(i).split(",", -1);
      assertEquals(x.length, y.length, e.get(i) + " / " + a.get(i));
      for (int j = 0; j < x.length; j++) {
        if (x[j].matches("-?[0-9.]+(E-?[0-9]+)?") && y[j].matches("-?[0-9.]+(E-?[0-9]+)?")) {
          double p = Double.parseDouble(x[j]);
          double q = Double.parseDouble(y[j]);
          assertTrue(Math.abs(p - q) <= 1e-9 * Math.max(1, Math.abs(p)), e.get(i) + " / " + a.get(i));
        } else {
          assertEquals(x[j], y[j], e.get(i) + " / " + a.get(i));
        }
      }
    }
  }

  @Test
  void countAndMembers_ruleAndSavedSegment_sameAsTheStore() {
    for (String rule : List.of("count(order in last 90 days) >= 1 and country = \"DK\"", "repeat")) {
      assertEquals(store("segment", "count", rule, "--as-of", AS_OF).out(), spark("segment", "count", rule, "--as-of", AS_OF).out());
    }
    String members = store("segment", "members", "big", "--limit", "1000", "--as-of", AS_OF).out();
    assertTrue(members.lines().count() > 5, members);
    assertEquals(members, spark("segment", "members", "big", "--limit", "1000", "--as-of", AS_OF).out());
  }

  @Test
  void valueCohortsConversions_sameReportsAsTheStore() {
    // Named: other tests save segments in the lake (rfm-*, monthly), and value reads every saved one by default.
    String[] value = {"value", "repeat", "big", "recent", "count(order in last 30 days) >= 1", "--as-of", AS_OF, "--format", "csv"};
    assertSameCsv(store(value).out(), spark(value).out());
    String cohorts = store("cohorts", "--as-of", AS_OF, "--format", "csv").out();
    assertTrue(cohorts.lines().count() > 10, cohorts);
    assertEquals(cohorts, spark("cohorts", "--as-of", AS_OF, "--format", "csv").out());
    String[] conversions = {"conversions", "--from", "2025-02-01", "--to", "2025-04-01", "--by", "repeat", "--format", "csv"};
    assertSameCsv(store(conversions).out(), spark(conversions).out());
  }

  @Test
  void rfm_scoresIntoTheLakeAndAStore_rulesReadThem() throws IOException {
    String expected = store("rfm", "--as-of", AS_OF, "--format", "csv").out();
    Result r = ok(new String[] {"rfm", "--as-of", AS_OF, "--format", "csv", "--engine", "spark", "--master", "local[2]", "--lake", lake.toString(),
        "--into-store", "--data-dir", copy.toString()});
    assertSameCsv(expected, r.out());
    assertTrue(Files.isRegularFile(lake.resolve("scores/rfm/" + LakeScores.PROVENANCE)), "provenance");
    long scored = SharedSpark.get().read().parquet(lake.resolve("scores/rfm").toString()).count();
    assertTrue(scored > 50, "scored: " + scored);
    try (var l = new SparkLakeEngine().open("local[2]", lake)) {
      var provenance = l.scores().provenance("rfm_group").orElseThrow();
      assertEquals("rfm", provenance.model());
      assertEquals(Instant.parse(AS_OF), provenance.asOf());
      // CLV's traits are its own model's (written by the clv test, perhaps before this one), never rfm's.
      assertEquals("clv", l.scores().provenance("clv_expected_value").map(ScoreProvenance::model).orElse("clv"));
    }
    // A rule over the score reads the lake's new scores on Spark, the copy's on DuckDB: both what the store scored.
    String champions = "rfm_group = \"Champions\"";
    String inStore = store("segment", "count", champions, "--as-of", AS_OF).out();
    assertTrue(!inStore.startsWith("0 of"), inStore);
    assertEquals(inStore, spark("segment", "count", "rfm-champions", "--as-of", AS_OF).out());
    assertEquals(inStore, ok(new String[] {"segment", "count", champions, "--as-of", AS_OF, "--data-dir", copy.toString()}).out());
    try (Store s = DuckDb.openReadOnly(StoreConfig.resolve(copy, "512MB", 2, Map.of()))) {
      assertTrue(s.segmentDefinitions().find("rfm-champions").isPresent(), "rfm-* segments saved in the store");
      assertEquals("rfm", s.scores().provenance("rfm_score").orElseThrow().model());
    }
  }

  @Test
  void clv_sameFitsAndBandsAsTheStore_scoresIntoTheLakeAndAStore() {
    String[] clv = {"clv", "--as-of", AS_OF};
    String expected = store(clv).out();
    assertTrue(expected.contains("scored ") && expected.contains("churn risk:"), "the shop should be scored: " + expected);
    Result r = ok(concat(clv, "--engine", "spark", "--master", "local[2]", "--lake", lake.toString(), "--into-store", "--data-dir", copy.toString()));
    // The same fits to four places and the same customers per churn-risk band, counted over the scores just written.
    assertEquals(expected, r.out());
    assertTrue(Files.isRegularFile(lake.resolve("scores/clv/" + LakeScores.PROVENANCE)), "provenance");
    try (var l = new SparkLakeEngine().open("local[2]", lake)) {
      ScoreProvenance p = l.scores().provenance("clv_churn_risk").orElseThrow();
      assertEquals("clv", p.model());
      assertEquals(Instant.parse(AS_OF), p.asOf());
      assertEquals("segmenta clv", p.command());
    }
    try (Store s = DuckDb.openReadOnly(StoreConfig.resolve(copy, "512MB", 2, Map.of()))) {
      assertEquals(Instant.parse(AS_OF), s.scores().provenance("clv_expected_value").orElseThrow().asOf());
    }
    String risky = "clv_churn_risk >= 0.5 and count(order) >= 1";
    String inStore = store("segment", "count", risky, "--as-of", AS_OF).out();
    assertTrue(!inStore.startsWith("0 of"), inStore);
    assertEquals(inStore, spark("segment", "count", risky, "--as-of", AS_OF).out());
    assertEquals(inStore, ok(new String[] {"segment", "count", risky, "--as-of", AS_OF, "--data-dir", copy.toString()}).out());
  }

  @Test
  void experimentAnalyze_definitionFromTheStore_sameReportAsTheStore() {
    String[] analyze = {"experiment", "analyze", "exp-1", "--by", "repeat", "--by", "country = \"DK\"", "--as-of", AS_OF};
    String csv = store(concat(analyze, "--format", "csv")).out();
    assertTrue(csv.lines().count() >= 7 && csv.contains(",purchase,") && csv.contains(",return_rate,"), csv);
    String table = store(analyze).out();
    assertTrue(table.contains("units: control "), table);
    // The definition is read from the store at --data-dir, the exposures and metrics from the lake: the same report.
    assertEquals(table, spark(concat(analyze, "--data-dir", data.toString())).out());
    Result unknown = run(concat(new String[] {"experiment", "analyze", "exp-2", "--engine", "spark", "--lake", lake.toString()}, "--data-dir", data.toString()));
    assertEquals(2, unknown.code(), unknown.out());
    assertTrue(unknown.err().contains("there is no experiment 'exp-2'") && unknown.err().contains("--data-dir"), unknown.err());
  }

  @Test
  void recompute_twoInstants_membershipsHistoryAndTheStoreAgree() {
    Instant first = Instant.parse("2025-01-31T00:00:00Z");
    Instant second = Instant.parse("2025-03-31T00:00:00Z");
    String rule = "count(order in last 30 days) >= 1";
    ok(new String[] {"segment", "save", "monthly", rule, "--data-dir", copy.toString()});
    // The lake learns the segment through its own saved segments: saved on Spark by the rfm test or here.
    List<String> m1;
    List<String> m2;
    try (Store s = DuckDb.openReadOnly(StoreConfig.resolve(data, "512MB", 2, Map.of()))) {
      m1 = s.audiences().run(new AudienceQuery.Page(RuleText.parseRule(rule), first, 0, 10_000));
      m2 = s.audiences().run(new AudienceQuery.Page(RuleText.parseRule(rule), second, 0, 10_000));
    }
    long entered = m2.stream().filter(p -> !m1.contains(p)).count();
    long left = m1.stream().filter(p -> !m2.contains(p)).count();
    assertTrue(entered > 0 && left > 0, "the months should differ: +" + entered + " -" + left);
    try (var l = new SparkLakeEngine().open("local[2]", lake)) {
      l.segmentDefinitions().save(new SegmentDefinition("monthly", rule, "", Instant.EPOCH));
    }
    String[] recompute = {"segment", "recompute", "monthly", "--engine", "spark", "--lake", lake.toString(), "--into-store", "--data-dir", copy.toString(), "--as-of"};
    String once = ok(concat(recompute, first.toString())).out();
    assertTrue(once.contains(String.format("+%,d", m1.size())), once);
    String twice = ok(concat(recompute, second.toString())).out();
    assertTrue(twice.contains(String.format("%,d", m2.size())) && twice.contains(String.format("+%,d", entered)) && twice.contains(String.format("-%,d", left)), twice);
    List<String> members = SharedSpark.get().read().parquet(lake.resolve("memberships/monthly").toString()).select("profile_id").orderBy("profile_id")
        .collectAsList().stream().map(x -> x.getString(0)).toList();
    assertEquals(m2, members);
    long open = SharedSpark.get().read().parquet(lake.resolve("history/monthly").toString()).where("left_at IS NULL").count();
    long stays = SharedSpark.get().read().parquet(lake.resolve("history/monthly").toString()).count();
    assertEquals(m2.size(), open);
    assertEquals(m1.size() + entered, stays);
    try (Store s = DuckDb.openReadOnly(StoreConfig.resolve(copy, "512MB", 2, Map.of()))) {
      assertEquals(m2, s.history().membersAt("monthly", second, 0, 10_000));
      assertEquals(m1, s.history().membersAt("monthly", first, 0, 10_000));
    }
  }

  @Test
  void export_parquet_membersAndTraitsAsTheStoreExports() {
    String rule = "count(order) >= 1 and country = \"SE\"";
    Path csv = dir.resolve("members.csv");
    store("segment", "export", rule, "--traits", "country,net_revenue", "-o", csv.toString(), "--as-of", AS_OF);
    Path parquet = dir.resolve("members.parquet");
    Result r = spark("segment", "export", rule, "--traits", "country,net_revenue", "--format", "parquet", "-o", parquet.toString(), "--as-of", AS_OF);
    List<Row> rows = SharedSpark.get().read().parquet(parquet.toString()).orderBy("profile_id").collectAsList();
    List<String> expected;
    try {
      expected = Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(expected.size() > 3, "few members: " + expected);
    assertTrue(r.err().contains(String.format("exported %,d members", expected.size())), r.err());
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String[] cells = expected.get(i).split(",", -1);
      assertEquals(cells[0], rows.get(i).getString(0));
      assertEquals(cells[3], rows.get(i).getString(1));
      assertEquals(Double.parseDouble(cells[4]), rows.get(i).getDouble(2), 1e-9 * Math.max(1, Math.abs(rows.get(i).getDouble(2))));
    }
  }
}
