package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declaring many names at once: one call, checked whole, and never holding other writers up for long. */
class DeclareTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @TempDir
  Path dir;

  private static List<PropertyDef> properties(String prefix, int n) {
    List<PropertyDef> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PropertyDef(prefix + i, ValueType.NUMBER, "generated"));
    }
    return out;
  }

  @Test
  void declare_traitsAndPropertiesInOneCall_areStoredAndSurviveReopening() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      List<TraitDef> traits = List.of(new TraitDef("tier", ValueType.STRING, Family.CUSTOM, "crm"), new TraitDef("points", ValueType.NUMBER, Family.CUSTOM, "crm"));
      List<PropertyDef> props = properties("x", 30);
      s.catalog().declare(traits, props, Map.of("x0", List.of("signup", "page_view"), "x1", List.of("signup")));
      s.profiles().write(new Batch(List.of(new Profile("u", List.of(), Map.of("tier", Value.of("gold"), "points", Value.of(3)))),
          List.of(new Event("e", "u", null, "signup", T, Map.of("x0", Value.of(1), "x1", Value.of(2)), List.of()))));
    }
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      assertTrue(s.catalog().schema().property("x29").isPresent());
      assertEquals(List.of("x0", "x1"), s.catalog().schema().eventType("signup").orElseThrow().properties());
      assertTrue(s.catalog().schema().eventType("page_view").orElseThrow().has("x0"));
      var h = s.profiles().history("u").orElseThrow();
      assertEquals(Value.of("gold"), h.profile().trait("tier"));
      assertEquals(Value.of(2), h.events().get(0).property("x1"));
    }
  }

  @Test
  void declare_aConflictingNameAnywhere_declaresNothing() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      List<PropertyDef> props = new ArrayList<>(properties("y", 5));
      props.add(new PropertyDef("revenue", ValueType.STRING, "clashes with the standard number"));
      UserException e = assertThrows(UserException.class, () -> s.catalog().declare(List.of(), props, Map.of()));
      assertTrue(e.getMessage().contains("revenue"), e.getMessage());
      assertFalse(s.catalog().schema().property("y0").isPresent());
      assertThrows(UserException.class, () -> s.catalog().declare(List.of(), properties("z", 2), Map.of("z1", List.of("order_line"))));
      assertFalse(s.catalog().schema().property("z0").isPresent());
    }
  }

  /**
   * Two hundred new names in one call take seconds; a write of an event whose properties are declared already goes
   * through meanwhile, not after.
   */
  @Test
  void declare_manyNames_doesNotHoldUpOtherWriters() throws Exception {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "500MB", 2, Map.of()))) {
      List<Event> seed = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        seed.add(new Event("s-" + i, "u-" + i % 500, null, "product_view", T.plusSeconds(i), Map.of("product_id", Value.of("p" + i % 50)), List.of()));
      }
      s.profiles().write(new Batch(List.of(), seed));
      long t0 = System.nanoTime();
      CompletableFuture<Void> declaring = CompletableFuture.runAsync(() -> s.catalog().declare(List.of(), properties("w", 200), Map.of()));
      List<Long> waits = new ArrayList<>();
      int during = 0;
      while (!declaring.isDone()) {
        long w0 = System.nanoTime();
        s.profiles().write(new Batch(List.of(), List.of(new Event("live-" + waits.size(), "u-1", null, "product_view", Instant.now(), Map.of("product_id", Value.of("p1")), List.of()))));
        waits.add(System.nanoTime() - w0);
        if (!declaring.isDone()) {
          during++;
        }
        Thread.sleep(20);
      }
      declaring.join();
      long total = System.nanoTime() - t0;
      long worst = waits.stream().mapToLong(Long::longValue).max().orElse(0);
      long alone = 0;
      for (int i = 0; i < 5; i++) {
        long w0 = System.nanoTime();
        s.profiles().write(new Batch(List.of(), List.of(new Event("after-" + i, "u-1", null, "product_view", Instant.now(), Map.of("product_id", Value.of("p1")), List.of()))));
        alone = Math.max(alone, System.nanoTime() - w0);
      }
      System.out.printf("declaring 200 properties took %.2f s; %d writes meanwhile, the slowest %.3f s (%.3f s with nothing else running)%n",
          total / 1e9, during, worst / 1e9, alone / 1e9);
      assertTrue(s.catalog().schema().property("w199").isPresent());
      assertTrue(during >= 3, "writes went through while the declaration ran: " + during + " in " + total / 1_000_000 + " ms");
      assertTrue(worst < total / 2, "no write waited for the declaration, the slowest took " + worst / 1_000_000 + " ms of " + total / 1_000_000);
      assertEquals(5_000 + waits.size() + 5, s.profiles().stats().events());
    }
  }
}
