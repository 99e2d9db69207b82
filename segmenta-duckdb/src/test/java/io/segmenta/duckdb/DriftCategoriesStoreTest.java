package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.review.Drift;
import io.segmenta.core.review.Finding;
import io.segmenta.core.review.Review;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.stats.PopulationStability;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift of a category trait through a real store: the buyers 90 days ago were mostly Danes, the buyers now mostly
 * Swedes with Poles (a country new to the segment) and more without a country. Golden value from Python (see
 * DriftCategoriesTest in core).
 */
class DriftCategoriesStoreTest {
  static final Instant NOW = Instant.parse("2025-06-30T12:00:00Z");
  static final Instant THEN = NOW.minus(Duration.ofDays(90));
  static final String RULE = "count(order in last 30 days) >= 1";

  @TempDir
  Path dir;

  /** Countries of the buyers then (p0..p299) and now (p300..p599); null: no country. */
  static String country(int i) {
    int k = i % 300;
    if (i < 300) {
      return k < 150 ? "DK" : k < 250 ? "SE" : k < 290 ? "NO" : null;
    }
    return k < 60 ? "DK" : k < 210 ? " SE" : k < 250 ? "NO" : k < 280 ? "PL" : null;
  }

  @Test
  void compare_categoryColumn_binsByTheBaselinesCountriesWithOtherAndMissing() {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      List<Profile> profiles = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        Map<String, Value> traits = new HashMap<>();
        traits.put("age", new Value.Num(20 + i % 50));
        if (country(i) != null) {
          traits.put("country", new Value.Str(country(i)));
        }
        profiles.add(new Profile("p" + i, List.of(), traits));
        Instant at = i < 300 ? THEN.minus(Duration.ofDays(5)) : NOW.minus(Duration.ofDays(5));
        events.add(new Event("o" + i, "p" + i, null, "order", at, Map.of("revenue", new Value.Num(10 + i % 7)), List.of()));
      }
      store.profiles().write(new Batch(profiles, events));
      Drift drift = new Drift(store.audiences(), List.of(new Drift.Column("age", Drift.Aspect.TRAIT),
          new Drift.Column("country", Drift.Aspect.TRAIT, Drift.Kind.CATEGORY)), 100);
      Drift.Report r = drift.compare("buyers", RuleText.parseRule(RULE), THEN, NOW);
      assertEquals(300, r.baselineSize());
      assertEquals(300, r.currentSize());
      Drift.Shift country = r.shifts().get(1);
      assertEquals(List.of("DK", "SE", "NO", Drift.OTHER, Drift.MISSING), country.bins());
      assertEquals(0.76769, country.stability().psi(), 5e-6);
      assertEquals(PopulationStability.Level.MAJOR, country.stability().level());
      assertEquals(5, country.stability().contributions().length);
      Drift.Shift age = r.shifts().get(0);
      assertTrue(age.stability().computed() && age.stability().psi() < 0.1, "the ages cycle the same in both halves: " + age.stability().psi());

      store.segmentDefinitions().save(new SegmentDefinition("buyers", RuleText.print(RuleText.parseRule(RULE)), "", NOW));
      Review review = new Review(store.segmentDefinitions(), store.audiences(), store.history(), name -> List.of("journey thanks"), Review.Settings.DEFAULT);
      List<Finding> f = review.findings(NOW, NOW.minus(Duration.ofDays(1)));
      assertTrue(f.stream().anyMatch(x -> x.reason() == Finding.Reason.DRIFTING && x.detail().contains("country PSI 0.768, most in 'other'")), String.valueOf(f));
    }
  }
}
