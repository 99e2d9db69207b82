package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An event id is stored once, with its order lines once, however often and however concurrently it is sent. */
class IdempotentWriteTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @TempDir
  Path dir;

  private static Event order(String id, String profile) {
    return new Event(id, profile, null, "order", T, Map.of("order_id", Value.of("o-" + id), "revenue", Value.of(30)),
        List.of(new OrderLine("p-1", "Sock", "socks", 2, 5, 0), new OrderLine("p-2", "Shoe", "shoes", 1, 20, 0)));
  }

  static long count(Store s, String sql) {
    return ((DuckDbStore) s).withConnection(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void write_sameOrderTwiceInOneBatch_storesItsLinesOnce() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      var r = s.profiles().write(new Batch(List.of(), List.of(order("m-1", "u-1"), order("m-1", "u-1"))));
      assertEquals(1, r.eventsWritten());
      assertEquals(1, count(s, "SELECT count(*) FROM events WHERE event_id = 'm-1'"));
      assertEquals(2, count(s, "SELECT count(*) FROM order_lines WHERE event_id = 'm-1'"), "two lines, not four");
      assertEquals(2, s.profiles().history("u-1").orElseThrow().events().get(0).lines().size());
      s.profiles().write(new Batch(List.of(), List.of(order("m-1", "u-1"))));
      assertEquals(2, count(s, "SELECT count(*) FROM order_lines"), "a later retry adds nothing either");
    }
  }

  @Test
  void write_sameIdsFromTwoThreads_storesEachOrderAndItsLinesOnce() throws Exception {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 2, Map.of()))) {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        events.add(order("c-" + i, "u-" + i % 10));
      }
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<Void>> both = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        both.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          // Each thread sends every event, in batches of 20, some of them twice in one batch.
          for (int i = 0; i < events.size(); i += 20) {
            List<Event> part = new ArrayList<>(events.subList(i, i + 20));
            part.add(events.get(i));
            s.profiles().write(new Batch(List.of(), part));
          }
        }));
      }
      CompletableFuture.allOf(both.toArray(CompletableFuture[]::new)).join();
      assertEquals(200, count(s, "SELECT count(*) FROM events"));
      assertEquals(400, count(s, "SELECT count(*) FROM order_lines"));
      assertEquals(0, count(s, "SELECT count(*) FROM (SELECT event_id, line_no FROM order_lines GROUP BY ALL HAVING count(*) > 1)"));
    }
  }
}
