package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a lake: the minimal lake a shop's pipeline may write (profiles and events only), and the mistakes named. */
class SparkLakeTest {
  @TempDir
  Path dir;

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  @Test
  void open_profilesAndEventsOnly_answersAsTheStore() throws IOException {
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(5).data(40));
    }
    DuckDb.exportParquet(config, dir.resolve("full"));
    Path minimal = Files.createDirectories(dir.resolve("minimal"));
    Files.writeString(minimal.resolve("lake.properties"), "layout=1\n");
    copyTree(dir.resolve("full/profiles"), minimal.resolve("profiles"));
    copyTree(dir.resolve("full/events"), minimal.resolve("events"));
    Rule rule = RuleText.parseRule("count(order in last 180 days) >= 1 and days_since(order) < 60");
    long expected;
    try (Store s = DuckDb.openReadOnly(config)) {
      expected = s.audiences().run(new AudienceQuery.Count(rule, RandomShop.END));
    }
    SparkLake lake = SparkLake.open(SharedSpark.get(), minimal);
    assertEquals(Schema.standard().traits().size(), lake.schema().traits().size());
    assertTrue(expected > 0 && expected < 40, "the rule should split the shop: " + expected);
    assertEquals(expected, new SparkAudiences(lake, SegmentResolver.NONE).count(rule, RandomShop.END));
  }

  @Test
  void open_notALake_namesTheDirectory() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("nothing"));
    UserException e = assertThrows(UserException.class, () -> SparkLake.open(SharedSpark.get(), empty));
    assertTrue(e.getMessage().startsWith("lake: no lake.properties in ") && e.getMessage().contains("nothing"), e.getMessage());
    Files.writeString(empty.resolve("lake.properties"), "layout=7\n");
    UserException layout = assertThrows(UserException.class, () -> SparkLake.open(SharedSpark.get(), empty));
    assertTrue(layout.getMessage().contains("layout must be 1, not '7'"), layout.getMessage());
    Files.writeString(empty.resolve("lake.properties"), "layout=1\n");
    UserException missing = assertThrows(UserException.class, () -> SparkLake.open(SharedSpark.get(), empty));
    assertTrue(missing.getMessage().contains("'profiles' is missing"), missing.getMessage());
  }
}
