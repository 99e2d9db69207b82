package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test on Spark: the random rules of {@code DifferentialContract} (the same generator and seeds)
 * over the same seeded shop, exported to the lake, select member for member what DuckDB selects. DuckDB is itself
 * held to the in-memory evaluator by the contract, so Spark agrees with the reference semantics too; every third
 * rule is after the last event, where DuckDB reads its kept aggregates and Spark scans the events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkDifferentialTest {
  private static final int CUSTOMERS = 250;
  /** Rules compared in the suite; -Dsegmenta.spark.differential.rules=600 for the contract's full count. */
  private static final int RULES = Integer.getInteger("segmenta.spark.differential.rules", 120);
  /** Rules per Spark job ({@link SparkAudiences#membersOfEach}). */
  private static final int BATCH = 20;

  @TempDir
  static Path dir;
  private Store store;
  private SparkAudiences spark;
  private SparkLake lake;

  @BeforeAll
  void load() {
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(7).data(CUSTOMERS));
    }
    DuckDb.exportParquet(config, dir.resolve("lake"));
    store = DuckDb.openReadOnly(config);
    lake = SparkLake.open(SharedSpark.get(), dir.resolve("lake"));
    spark = new SparkAudiences(lake, SegmentResolver.NONE);
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void membersOfEach_randomRules_sameAsDuckDb() {
    RandomShop random = new RandomShop(20251122);
    List<Rule> rules = new ArrayList<>();
    List<Instant> asOfs = new ArrayList<>();
    for (int i = 0; i < RULES; i++) {
      rules.add(random.rule());
      Instant drawn = random.asOf();
      asOfs.add(i % 3 == 0 ? RandomShop.END.plusSeconds(86_400) : drawn);
    }
    int nonTrivial = 0;
    for (int from = 0; from < RULES; from += BATCH) {
      int to = Math.min(RULES, from + BATCH);
      List<List<String>> actual = spark.membersOfEach(rules.subList(from, to), asOfs.subList(from, to));
      for (int i = from; i < to; i++) {
        Rule rule = rules.get(i);
        Instant asOf = asOfs.get(i);
        List<String> expected = store.audiences().run(new AudienceQuery.Page(rule, asOf, 0, Integer.MAX_VALUE));
        int n = i;
        assertEquals(expected, actual.get(i - from), () -> "rule #" + n + " at " + asOf + ": " + RuleText.print(rule) + "\n" + spark.sql(rule, asOf));
        if (!expected.isEmpty() && expected.size() < CUSTOMERS) {
          nonTrivial++;
        }
      }
    }
    assertTrue(nonTrivial > RULES / 3, "only " + nonTrivial + " of " + RULES + " rules split the population");
  }

  @Test
  void countAndMembers_oneRule_sameAsDuckDb() {
    // The single-rule paths (one job each) over a rule with a window, a property filter and a trait.
    Rule rule = RuleText.parseRule("count(order_line where category = \"kids\" in last 365 days) >= 1 or age < 30");
    Instant asOf = RandomShop.END;
    List<String> expected = store.audiences().run(new AudienceQuery.Page(rule, asOf, 0, Integer.MAX_VALUE));
    assertTrue(!expected.isEmpty() && expected.size() < CUSTOMERS, expected::toString);
    assertEquals(expected, spark.members(rule, asOf));
    assertEquals(expected.size(), spark.count(rule, asOf));
    assertEquals((long) store.audiences().run(new AudienceQuery.Count(rule, asOf)), spark.count(rule, asOf));
  }

  @Test
  void overlaps_exampleSegments_sameAsDuckDbTotals() {
    // Seven of the random rules as segments, after the last event (DuckDB then reads its kept aggregates).
    RandomShop random = new RandomShop(99);
    Map<String, Rule> segments = new LinkedHashMap<>();
    for (int i = 0; i < 7; i++) {
      segments.put("s" + i, random.rule());
    }
    Instant asOf = RandomShop.END.plusSeconds(86_400);
    SegmentTotals expected = store.audiences().segmentTotals(segments, asOf, List.of(), List.of());
    SegmentTotals actual = new SparkBatchAudiences(lake, SegmentResolver.NONE).segmentTotals(segments, asOf, List.of(), List.of());
    assertEquals(expected.names(), actual.names());
    for (int i = 0; i < segments.size(); i++) {
      for (int j = i; j < segments.size(); j++) {
        assertEquals(expected.both()[i][j], actual.both()[i][j], "overlap of " + i + " and " + j);
      }
    }
    assertTrue(segments.keySet().stream().anyMatch(s -> expected.totals().get(s).members() > 0), "every segment is empty");
  }
}
