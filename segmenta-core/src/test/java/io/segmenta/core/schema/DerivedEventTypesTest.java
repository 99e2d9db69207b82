package io.segmenta.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which event types are derived is said once, by the schema; the in-memory history reads the lines it says. */
class DerivedEventTypesTest {
  @Test
  void derived_onlyTheTypesTheSchemaMarks() {
    Schema s = Schema.standard();
    List<String> marked = s.eventTypes().stream().filter(EventTypeDef::derived).map(EventTypeDef::name).toList();
    assertEquals(List.of("order_line"), marked);
    for (EventTypeDef t : s.eventTypes()) {
      assertEquals(t.derived(), s.derived(t.name()), t.name());
    }
    assertFalse(s.derived("order"));
    assertFalse(s.derived("no_such_type"), "an unknown type is not derived");
  }

  @Test
  void eventsOfType_derivedTypeIsReadFromTheOrdersLines() {
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    Event order = new Event("o-1", "p-1", null, "order", at, Map.of("order_id", Value.of("o-1")),
        List.of(new OrderLine("sku-1", "Spade", "garden", 2, 10, 0), new OrderLine("sku-2", "Rake", "garden", 1, 15, 0)));
    ProfileHistory h = new ProfileHistory(new Profile("p-1", List.of(), Map.of()), List.of(order));
    List<Event> lines = h.eventsOfType("order_line");
    assertEquals(2, lines.size());
    assertTrue(lines.stream().allMatch(e -> e.type().equals("order_line") && e.timestamp().equals(at)), lines.toString());
    assertEquals(Value.of("sku-2"), lines.get(1).property("product_id"));
    assertEquals(List.of(order), h.eventsOfType("order"));
  }
}
