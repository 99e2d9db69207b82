package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.identity.Stitching;
import io.segmenta.core.ingest.ImportException;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.ingest.segment.SegmentSpec.Policy;
import io.segmenta.core.ingest.segment.SegmentSpec.Translation;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.Violation;
import io.segmenta.core.port.ViolationCount;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the tracking API accepts reaches a real DuckDB file, extras and odd names included, and survives reopening. */
class TrackingStoreTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");
  @TempDir
  Path dir;

  /** Translates a batch leniently and writes it as the server does: declarations first, then the batch, then stitching. */
  static Translation send(Store s, String batch) throws Exception {
    List<JsonNode> ms = new ArrayList<>();
    JSON.readTree(batch).forEach(ms::add);
    Translation t = SegmentSpec.translate(ms, null, true, s.catalog().schema(), NOW, Policy.LENIENT);
    assertTrue(t.ok(), t.problems().toString());
    t.newTraits().forEach(s.catalog()::declareTrait);
    t.newProperties().forEach((name, def) -> s.catalog().declareProperty(def, List.copyOf(t.newPropertyTypes().getOrDefault(name, Set.of()))));
    s.profiles().write(new Batch(t.profiles(), t.events()));
    Stitching.apply(s.profiles(), s.identities(), t.profiles(), NOW);
    s.violationLog().recordViolations("web", t.violations(), NOW);
    return t;
  }

  /** Declares what the exported event needs, as the exporting store had it. */
  static void declareSameNames(Store other) throws Exception {
    send(other, "[{\"type\": \"track\", \"userId\": \"u-0\", \"event\": \"Order Completed\", \"properties\": {\"seq\": 1, \"select\": \"x\", \"type\": \"t\"}}]");
  }

  Store open() {
    return DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()));
  }

  @Test
  void write_keepsExtrasAndReservedNamesAcrossReopening() throws Exception {
    try (Store s = open()) {
      send(s, "[{\"type\": \"track\", \"userId\": \"u-1\", \"messageId\": \"m-1\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"o-1\","
          + " \"revenue\": \"lots\", \"seq\": 5, \"select\": \"x\", \"type\": \"t\", \"scores\": [1, 2], \"products\": [{\"product_id\": \"p\", \"price\": 4, \"brand\": \"B\"}]}}]");
    }
    try (Store s = open()) {
      Event e = s.profiles().history("u-1").orElseThrow().events().get(0);
      assertEquals(Value.of(5), e.property("seq_"));
      assertEquals(new Value.Str("x"), e.property("select_"));
      assertEquals(new Value.Str("t"), e.property("type_"));
      assertEquals(1, e.lines().size());
      assertEquals(new Value.Str("lots"), e.extras().get("properties.revenue"));
      assertEquals(Value.ofList(List.of(Value.of(1), Value.of(2))), e.extras().get("properties.scores"));
      assertTrue(e.extras().containsKey("properties.products"), e.extras().toString());
      assertEquals(1, s.audiences().run(new AudienceQuery.Count(RuleText.parse("count(order where seq_ = 5) >= 1").rule(), NOW)), "a mapped name works in a rule");
      Path file = dir.resolve("export.jsonl");
      Files.writeString(file, Importer.toJsonLine(e) + "\n");
      try (Store other = DuckDb.open(StoreConfig.resolve(dir.resolve("other"), "256MB", 1, Map.of()))) {
        declareSameNames(other);
        Importer.runJsonLines(file, other.catalog(), other.profiles(), Importer.Options.strict());
        assertEquals(e.extras(), other.profiles().history("u-1").orElseThrow().events().get(0).extras(), "extras survive export and import");
      }
    }
  }

  @Test
  void recordViolations_countsPerSourceAndField() throws Exception {
    try (Store s = open()) {
      for (int i = 0; i < 3; i++) {
        send(s, "[{\"type\": \"identify\", \"userId\": \"u-" + i + "\", \"messageId\": \"i-" + i + "\", \"traits\": {\"age\": \"old-" + i + "\"}}]");
      }
      s.violationLog().recordViolations("app", List.of(new Violation(0, "order", "properties.revenue", "number", "'x'")), NOW);
      List<ViolationCount> all = s.violationLog().violations(null, 10);
      assertEquals(2, all.size(), all.toString());
      ViolationCount age = all.get(0);
      assertEquals(List.of("web", "identify", "traits.age", "number", 3L, "'old-2'"),
          List.of(age.source(), age.eventType(), age.field(), age.expected(), age.count(), age.example()));
      assertEquals(1, s.violationLog().violations("app", 10).size());
      assertEquals(new Value.Str("old-1"), s.profiles().history("u-1").orElseThrow().events().get(0).extras().get("traits.age"), "kept with the identify event");
    }
  }

  @Test
  void recordViolations_sameBatchTwice_countsOnce() throws Exception {
    try (Store s = open()) {
      List<Violation> v = List.of(new Violation(0, "order", "properties.revenue", "number", "'x'"));
      s.violationLog().recordViolations("app", v, NOW, "record-1");
      s.violationLog().recordViolations("app", v, NOW, "record-1");
      s.violationLog().recordViolations("app", v, NOW.plusSeconds(1), "record-2");
      assertEquals(2L, s.violationLog().violations("app", 10).get(0).count(), "a replayed record counts nothing more");
    }
  }

  @Test
  void runJsonLines_instantOutsideTheRangeNamesFileLineAndField() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "{\"event_id\": \"e1\", \"profile_id\": \"a\", \"type\": \"order\", \"timestamp\": \"2025-06-01T00:00:00Z\"}\n"
        + "{\"event_id\": \"e2\", \"profile_id\": \"a\", \"type\": \"order\", \"timestamp\": \"+300000-01-01T00:00:00Z\"}\n");
    try (Store s = open()) {
      ImportException e = assertThrows(ImportException.class,
          () -> Importer.runJsonLines(file, s.catalog(), s.profiles(), Importer.Options.strict()));
      assertTrue(e.getMessage().contains("events.jsonl:2, column timestamp: expected an instant between 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z"),
          e.getMessage());
      assertEquals(0, s.profiles().stats().events(), "nothing of a refused file is written");
    }
  }

  @Test
  void anonymousIdentify_traitsReachTheCustomerOnceStitched() throws Exception {
    try (Store s = open()) {
      send(s, "[{\"type\": \"identify\", \"anonymousId\": \"anon-9\", \"traits\": {\"city\": \"Odense\", \"gender\": \"f\"}},"
          + " {\"type\": \"page\", \"anonymousId\": \"anon-9\", \"messageId\": \"p-9\", \"properties\": {\"url\": \"https://shop.example/\"}}]");
      assertEquals(new Value.Str("Odense"), s.profiles().history("anon-9").orElseThrow().profile().trait("city"), "the visitor's traits wait");
      send(s, "[{\"type\": \"identify\", \"userId\": \"u-9\", \"anonymousId\": \"anon-9\", \"traits\": {\"email\": \"nine@example.com\", \"city\": \"Aarhus\"}}]");
      ProfileHistory h = s.profiles().history("u-9").orElseThrow();
      assertEquals(new Value.Str("Aarhus"), h.profile().trait("city"), "the customer's own trait wins");
      assertEquals(new Value.Str("f"), h.profile().trait("gender"), "the visitor's trait reached the customer");
      assertTrue(h.events().stream().anyMatch(e -> e.id().equals("p-9")), "the visitor's page view is the customer's");
      assertTrue(s.profiles().history("anon-9").isEmpty(), "the visitor's profile was merged away");
    }
  }
}
