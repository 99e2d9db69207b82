package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
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

  @TempDir
  static Path dir;
  private Store store;
  private SparkAudiences spark;

  @BeforeAll
  void load() {
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(7).data(CUSTOMERS));
    }
    DuckDb.exportParquet(config, dir.resolve("lake"));
    store = DuckDb.openReadOnly(config);
    spark = new SparkAudiences(SparkLake.open(SharedSpark.get(), dir.resolve("lake")), SegmentResolver.NONE);
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void members_randomRules_sameAsDuckDb() {
    RandomShop random = new RandomShop(20251122);
    int nonTrivial = 0;
    for (int i = 0; i < RULES; i++) {
      Rule rule = random.rule();
      Instant drawn = random.asOf();
      Instant asOf = i % 3 == 0 ? RandomShop.END.plusSeconds(86_400) : drawn;
      List<String> expected = store.audiences().run(new AudienceQuery.Page(rule, asOf, 0, Integer.MAX_VALUE));
      List<String> actual = spark.members(rule, asOf);
      String text = RuleText.print(rule);
      int n = i;
      assertEquals(expected, actual, () -> "rule #" + n + " at " + asOf + ": " + text + "\n"
          + spark.sql(rule, asOf));
      if (!expected.isEmpty() && expected.size() < CUSTOMERS) {
        nonTrivial++;
      }
    }
    assertTrue(nonTrivial > RULES / 3, "only " + nonTrivial + " of " + RULES + " rules split the population");
  }
}
