package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A score keeps which model wrote it, with its parameters and seed, across a reopen; the note about old scores names it. */
class ScoreProvenanceTest {
  private static final Instant AS_OF = RandomShop.END.plusSeconds(86_400);

  @TempDir
  Path dir;

  @Test
  void provenance_survivesReopen() {
    ScoreProvenance written = new ScoreProvenance("lookalike", Map.of("seed_segment", "vip", "features", "orders,net_revenue"), 7L, AS_OF,
        Instant.parse("2026-01-02T03:04:05Z"), "segmenta lookalike 'vip' --name vip");
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      store.profiles().write(new RandomShop(3).data(20));
      store.catalog().declareTrait(new TraitDef("lookalike_vip", ValueType.NUMBER, Family.SCORE, "test"));
      store.scores().writeScores(written, "lookalike_vip", new String[] {"r0001"}, new double[] {0.5});
    }
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      assertEquals(written, store.scores().provenance("lookalike_vip").orElseThrow());
      assertEquals(AS_OF, store.scores().scoredAt("lookalike_vip").orElseThrow());
      assertFalse(store.scores().provenance("rfm_group").isPresent());
    }
  }

  @Test
  void scoreNotes_oldLookalike_namesItsModelNotClv() {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      store.profiles().write(new RandomShop(3).data(20));
      store.catalog().declareTrait(new TraitDef("lookalike_vip", ValueType.NUMBER, Family.SCORE, "test"));
      store.scores().writeScores(new ScoreProvenance("lookalike", Map.of("seed_segment", "vip"), null, AS_OF, AS_OF, "segmenta lookalike 'vip' --name vip"),
          "lookalike_vip", new String[] {"r0001"}, new double[] {0.5});
      Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.fixed(AS_OF, ZoneOffset.UTC));
      Instant later = AS_OF.plusSeconds(3600);
      List<String> notes = segments.scoreNotes(RuleText.parseRule("lookalike_vip >= 0.4"), later);
      assertEquals(1, notes.size(), notes.toString());
      String note = notes.get(0);
      assertTrue(note.startsWith("lookalike_vip holds scores as of " + AS_OF + ", not " + later), note);
      assertTrue(note.contains("model lookalike (seed_segment=vip)"), note);
      assertTrue(note.contains("run 'segmenta lookalike 'vip' --name vip --as-of " + later + "'"), note);
      assertFalse(note.contains("clv"), note);
    }
  }
}
