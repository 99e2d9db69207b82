package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store and the scoring features date go by the clock they are handed, never the system's: a server that
 * injects its clock sees its own instants in a definition's {@code updated_at} and a score's provenance.
 */
class StoreClockTest {
  /** Years away from the system clock, so an instant taken from it cannot pass for this one. */
  static final Instant FIXED = Instant.parse("2031-02-03T04:05:06Z");

  @TempDir
  Path dir;

  @Test
  void open_withAFixedClock_updatedAtAndScoreProvenanceUseIt() throws Exception {
    Clock clock = Clock.fixed(FIXED, ZoneOffset.UTC);
    StoreConfig config = StoreConfig.resolve(dir, "512MB", 1, Map.of());
    ShopGenerator shop = new ShopGenerator(7, Instant.parse("2025-06-30T00:00:00Z"), 365);
    try (Store store = DuckDb.open(config, clock)) {
      shop.generate(0, 200, 100, store.profiles()::write);
      store.experimentDefinitions().save(ExperimentJson.parse("{\"key\": \"exp-clock\", \"variants\": [\"control\", \"treatment\"]}"));
      Rfm.score(store.audiences(), store.scores(), shop.asOf(), Rfm.Spec.standard(),
          new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock), clock);
      ScoreProvenance p = store.scores().provenance("rfm_group").orElseThrow();
      assertEquals(FIXED, p.computedAt(), "the provenance's computedAt is the clock's: " + p.describe());
      assertEquals(shop.asOf(), p.asOf());
      assertEquals(FIXED, store.segmentDefinitions().find("rfm-champions").orElseThrow().updatedAt(), "a built-in segment saved by the clock");
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT updated_at FROM experiments WHERE key = 'exp-clock'")) {
      rs.next();
      assertEquals(LocalDateTime.ofInstant(FIXED, ZoneOffset.UTC), rs.getObject(1, LocalDateTime.class), "updated_at is the clock's");
    }
  }
}
