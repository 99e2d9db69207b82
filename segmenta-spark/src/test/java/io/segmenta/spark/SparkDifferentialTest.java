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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark against DuckDB on the differential test's seeded shop, exported to the lake: one rule's count and members
 * (the single-rule paths) and the overlaps of seven random rules. The random rules themselves are held member for
 * member to the in-memory evaluator on Spark by {@link SparkStoreDifferentialTest} (the store contract, whose first
 * rules this class compared to DuckDB's before), and DuckDB is held to the same evaluator by the same contract.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkDifferentialTest {
  private static final int CUSTOMERS = 250;

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
