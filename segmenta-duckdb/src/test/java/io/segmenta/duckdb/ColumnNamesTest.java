package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A declared name (any {@code [a-z][a-z0-9_]{0,62}} that is not reserved) never collides with a column or alias the
 * store uses for itself: staging tables, order lines, kept aggregates, scores and the compiler's working columns.
 */
class ColumnNamesTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");
  /** Names of the store's own columns and aliases, past and present, and SQL keywords. */
  static final List<String> NAMES = List.of("seq", "id", "timestamp", "line_no", "event_type", "select", "order", "kind", "value", "sm0", "v0", "m0",
      "segs", "sg_f0", "sg_f1", "sg_f2", "sg_consent", "extras", "code", "price", "quantity", "group", "line_total");

  @TempDir
  Path dir;

  @Test
  void declare_namesOfInternalColumns_areWrittenAndReadBack() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      for (String n : NAMES) {
        s.catalog().declareTrait(new TraitDef(n, ValueType.NUMBER, Family.CUSTOM, "a trait named " + n));
        if (s.catalog().schema().property(n).isEmpty()) {
          s.catalog().declareProperty(new PropertyDef(n, ValueType.NUMBER, "a property named " + n), List.of("order", "page_view"));
        } else {
          s.catalog().declareProperty(s.catalog().schema().property(n).orElseThrow(), List.of("page_view"));
        }
      }
      Map<String, Value> traits = new LinkedHashMap<>();
      Map<String, Value> props = new LinkedHashMap<>();
      for (int i = 0; i < NAMES.size(); i++) {
        traits.put(NAMES.get(i), Value.of(i + 1));
        props.put(NAMES.get(i), Value.of(100 + i));
      }
      props.put("order_id", Value.of("o-1"));
      props.put("revenue", Value.of(30));
      List<Event> events = List.of(
          new Event("e-1", "u-1", null, "order", T, props, List.of(new OrderLine("p-1", "Sock", "socks", 2, 5, 0))),
          new Event("e-2", "u-1", null, "page_view", T.plusSeconds(1), props, List.of()),
          new Event("e-3", null, "a-1", "page_view", T.plusSeconds(2), props, List.of()));
      s.profiles().write(new Batch(List.of(new Profile("u-1", List.of(new Identifier("anonymous_id", "a-1")), traits)), events));
      s.profiles().write(new Batch(List.of(new Profile("u-1", List.of(), Map.of("seq", Value.of(99)))), List.of()));

      var h = s.profiles().history("u-1").orElseThrow();
      for (int i = 0; i < NAMES.size(); i++) {
        String n = NAMES.get(i);
        assertEquals(n.equals("seq") ? Value.of(99) : Value.of(i + 1), h.profile().trait(n), "trait " + n);
      }
      assertEquals(3, h.events().size(), "the anonymous page view is linked too");
      for (Event e : h.events()) {
        for (int i = 0; i < NAMES.size(); i++) {
          if (e.type().equals("page_view") || s.catalog().schema().eventType("order").orElseThrow().has(NAMES.get(i))) {
            assertEquals(Value.of(100 + i), e.property(NAMES.get(i)), e.type() + "." + NAMES.get(i));
          }
        }
      }
      assertEquals(1, h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow().lines().size());

      // Rules over the names: plain traits, aggregates with filters (several conditions on one table, so the
      // compiler adds condition columns to the scan), number columns, totals, profile rows and export.
      Instant asOf = T.plusSeconds(60);
      for (String n : NAMES) {
        Rule r = RuleText.parseRule(n + " >= 1 and count(page_view where " + n + " >= 100) >= 1");
        assertEquals(1, s.audiences().run(new AudienceQuery.Count(r, asOf)), n);
      }
      // u-2 meets none of the conditions, but its columns named like the compiler's condition columns are true.
      s.profiles().write(new Batch(List.of(), List.of(new Event("e-4", "u-2", null, "page_view", T, Map.of("seq", Value.of(50), "m0", Value.of(50),
          "sg_f0", Value.of(1), "sg_f1", Value.of(1), "sg_f2", Value.of(1), "v0", Value.of(1), "sm0", Value.of(1)), List.of()))));
      Rule many = RuleText.parseRule("count(page_view where seq >= 100) >= 1 and sum(page_view.v0 where seq >= 100) > 0"
          + " and count(page_view where m0 >= 100) >= 1 and sum(page_view.sm0 where m0 >= 100) > 0 and count(order where seq > 0) >= 1 and count(page_view) >= 1");
      assertEquals(1, s.audiences().run(new AudienceQuery.Count(many, asOf)));
      assertEquals(List.of("u-1"), s.audiences().run(new AudienceQuery.Page(many, asOf, 0, 10)));
      var cols = s.audiences().run(new AudienceQuery.Columns(many, List.of("sm0", "sg_consent", "v0", "orders"), List.of(many), asOf, Purpose.ANALYTICS));
      assertEquals(1, cols.ids().length);
      assertEquals(List.of(NAMES.indexOf("sm0") + 1.0, NAMES.indexOf("sg_consent") + 1.0, NAMES.indexOf("v0") + 1.0, 1.0),
          cols.columns().stream().map(c -> c[0]).toList());
      var totals = s.audiences().segmentTotals(Map.of("many", many), asOf, List.of(), List.of("sm0", "v0"), new BitSet());
      assertEquals(1, totals.totals().get("many").members());
      List<String> rows = new ArrayList<>();
      s.audiences().run(new AudienceQuery.Rows(List.of("seq", "kind", "value", "segs"), List.of("anonymous_id"), List.of(many), asOf, Purpose.ANALYTICS,
          r -> rows.add(r.id() + " " + r.traits() + " " + r.identifiers().size() + " " + r.segments().get(0))));
      assertEquals(List.of("u-1 " + List.of(Value.of(99), Value.of(NAMES.indexOf("kind") + 1), Value.of(NAMES.indexOf("value") + 1),
          Value.of(NAMES.indexOf("segs") + 1)) + " 1 true", "u-2 [null, null, null, null] 0 false"), rows);
      List<String> exported = new ArrayList<>();
      s.audiences().run(new AudienceQuery.Export(many, asOf, NAMES, Purpose.ANALYTICS, m -> exported.add(m.profileId() + " " + m.traits().get("select"))));
      assertEquals(List.of("u-1 " + Value.of(NAMES.indexOf("select") + 1)), exported);
      assertTrue(s.profiles().propertyValues("seq", 10).containsKey("100.0"), s.profiles().propertyValues("seq", 10).toString());
    }
  }
}
