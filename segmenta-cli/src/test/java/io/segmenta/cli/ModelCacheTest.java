package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.ml.recommend.Recommender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recommender kept between calls: reused while the data is unchanged, rebuilt after new orders. */
class ModelCacheTest {
  @TempDir
  static Path dir;
  static Path data;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data-dir");
    all.add(data.toString());
    int code = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void demo() {
    data = dir.resolve("data");
    Result r = run("demo", "--customers", "300", "--threads", "2", "--memory-limit", "1GB");
    assertEquals(0, r.code(), r.err());
  }

  static String table(Result r) {
    return r.out().substring(0, r.out().indexOf("recommender "));
  }

  @Test
  void recommend_secondCallReusesTheModelAndNewOrdersInvalidateIt() throws Exception {
    Files.deleteIfExists(data.resolve(ModelCache.FILE));
    Result first = run("recommend", "c0000001", "-n", "5");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("recommender built in"), first.out());
    assertTrue(first.err().contains(ModelCache.BUILDING) && !first.err().contains(ModelCache.LOADING), "the progress line says it builds: " + first.err());
    assertTrue(Files.isRegularFile(data.resolve(ModelCache.FILE)));

    Result second = run("recommend", "c0000001", "-n", "5");
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("recommender kept from an earlier call"), second.out());
    assertTrue(second.err().contains(ModelCache.LOADING) && !second.err().contains("building"), "the progress line says it loads the kept model: " + second.err());
    assertEquals(table(first), table(second), "the kept model recommends the same");

    Path order = dir.resolve("order.jsonl");
    Files.writeString(order, "{\"event_id\": \"w5-cache-1\", \"profile_id\": \"c0000001\", \"type\": \"order\", \"timestamp\": \"2025-06-29T10:00:00Z\","
        + " \"properties\": {\"order_id\": \"w5-o1\", \"revenue\": 10, \"currency\": \"EUR\"},"
        + " \"lines\": [{\"product_id\": \"w5-new-product\", \"category\": \"eco\", \"quantity\": 1, \"unit_price\": 10, \"discount\": 0}]}\n");
    Result imported = run("import", order.toString());
    assertEquals(0, imported.code(), imported.err());
    Result third = run("recommend", "c0000001", "-n", "5");
    assertEquals(0, third.code(), third.err());
    assertTrue(third.out().contains("recommender built in"), "a new order rebuilds: " + third.out());
    assertFalse(third.out().contains("kept from"), third.out());
  }

  @Test
  void recommend_afterAMergeOfTwoCustomers_rebuilds() {
    Result first = run("recommend", "c0000002", "-n", "5");
    assertEquals(0, first.code(), first.err());
    Result kept = run("recommend", "c0000002", "-n", "5");
    assertTrue(kept.out().contains("recommender kept from an earlier call"), kept.out());
    // A merge moves c0000003's purchases to c0000002: the counts of events and lines stay, the histories do not.
    try (Store s = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()))) {
      s.identities().merge("c0000002", "c0000003", "test: the same person", Instant.parse("2025-06-30T00:00:00Z"));
    }
    Result after = run("recommend", "c0000002", "-n", "5");
    assertEquals(0, after.code(), after.err());
    assertTrue(after.out().contains("recommender built in"), "a merge rebuilds: " + after.out());
  }

  @Test
  void recommend_unreadableFileIsRebuiltNotAnError() throws Exception {
    Files.writeString(data.resolve(ModelCache.FILE), "not a model");
    Result r = run("recommend", "--popular", "-n", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("recommender built in"), r.out());
  }

  @Test
  void sameModel_onlyWhenNothingFallsIntoTheTimeWindows() {
    Recommender.Options o = Recommender.Options.DEFAULT;
    Instant built = Instant.parse("2026-01-01T00:00:00Z");
    ModelCache.Key old = new ModelCache.Key(2, 5, 10, 20, Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"), o);
    assertTrue(ModelCache.sameModel(old, built, built.plus(Duration.ofDays(3))), "data a year old: no window holds any of it");
    ModelCache.Key recent = new ModelCache.Key(2, 5, 10, 20, Instant.parse("2024-01-01T00:00:00Z"), built.minus(Duration.ofDays(10)), o);
    assertFalse(ModelCache.sameModel(recent, built, built.plus(Duration.ofDays(3))), "orders of the last 30 days are trending");
    assertTrue(ModelCache.sameModel(recent, built, built), "the same instant is the same model");
    assertFalse(ModelCache.sameModel(old, built, built.minus(Duration.ofDays(1))), "an earlier instant would see fewer orders");
  }
}
