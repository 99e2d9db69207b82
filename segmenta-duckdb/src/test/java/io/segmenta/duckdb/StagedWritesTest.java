package io.segmenta.duckdb;

import static io.segmenta.duckdb.IdempotentWriteTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write stages only the properties its events give; the others are stored as nulls, and nothing else moves. */
class StagedWritesTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @TempDir
  Path dir;

  private static Event order(String id, Map<String, Value> props) {
    return new Event(id, "u-1", null, "order", T, props, List.of(new OrderLine("p-1", "Sock", "socks", 2, 5, 0)));
  }

  @Test
  void write_batchGivingSomePropertiesOnly_storesTheOthersAsNulls() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      // Only revenue: order_id and currency (which the order lines copy) are not staged.
      var first = s.profiles().write(new Batch(List.of(), List.of(order("o-1", Map.of("revenue", Value.of(30))), order("o-2", Map.of("revenue", Value.of(12))))));
      assertEquals(2, first.eventsWritten());
      assertEquals(2, first.linesWritten());
      s.profiles().write(new Batch(List.of(), List.of(order("o-3", Map.of("order_id", Value.of("x-3"), "currency", Value.of("EUR"))))));
      assertEquals(42, count(s, "SELECT CAST(sum(revenue) AS BIGINT) FROM events"));
      assertEquals(2, count(s, "SELECT count(*) FROM events WHERE order_id IS NULL AND currency IS NULL AND revenue IS NOT NULL"));
      assertEquals(1, count(s, "SELECT count(*) FROM events WHERE order_id = 'x-3' AND revenue IS NULL"));
      assertEquals(1, count(s, "SELECT count(*) FROM order_lines WHERE order_id = 'x-3' AND currency = 'EUR'"));
      assertEquals(2, count(s, "SELECT count(*) FROM order_lines WHERE order_id IS NULL"));
    }
  }

  @Test
  void write_anonymousEventsInBatchWithDistinctIds_landOnTheLinkedProfileOnce() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      s.profiles().write(new Batch(List.of(new Profile("u-1", List.of(new Identifier("anonymous_id", "a-1")), Map.of())), List.of()));
      Event view = new Event("v-1", null, "a-1", "order", T, Map.of("revenue", Value.of(5)), List.of());
      Event stranger = new Event("v-2", null, "a-2", "order", T, Map.of("revenue", Value.of(7)), List.of());
      var r = s.profiles().write(new Batch(List.of(), List.of(view, stranger)));
      assertEquals(2, r.eventsWritten());
      assertEquals(1, count(s, "SELECT count(*) FROM events e JOIN profiles p ON p.pkey = e.pkey WHERE p.profile_id = 'u-1' AND e.event_id = 'v-1'"));
      assertEquals(1, count(s, "SELECT count(*) FROM events WHERE event_id = 'v-2' AND pkey IS NULL"));
      assertEquals(0, s.profiles().write(new Batch(List.of(), List.of(view, stranger))).eventsWritten(), "stored ids are not written again");
    }
  }
}
