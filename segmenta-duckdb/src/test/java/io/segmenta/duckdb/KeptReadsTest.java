package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Random;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's statistics, its saved segments and its JSON definitions are kept between reads (the web app reads them on every page) and are
 * read again after every write that changes them: a write of events, a merge, an erasure, a segment or a placement
 * saved or deleted.
 * Each test reads first (so a copy is kept), writes, and checks the next read sees the write.
 */
class KeptReadsTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @TempDir
  Path dir;

  private Store open() {
    return DuckDb.open(StoreConfig.resolve(dir, "500MB", 2, Map.of()));
  }

  private static Event order(String id, String profile, Instant at) {
    return new Event(id, profile, null, "order", at, Map.of("revenue", Value.of(40)), List.of(new OrderLine("sku-" + id, "Shoe", "shoes", 1, 40, 0)));
  }

  private static Event view(String id, String profile, Instant at) {
    return new Event(id, profile, null, "page_view", at, Map.of(), List.of());
  }

  @Test
  void stats_readTwiceWithoutWrite_returnsTheKeptCopy() {
    try (Store s = open()) {
      s.profiles().write(new Batch(List.of(new Profile("u-1", List.of(), Map.of())), List.of(order("o-1", "u-1", T))));
      StoreStats first = s.profiles().stats();
      assertSame(first, s.profiles().stats(), "no write in between: the kept copy");
      assertEquals(T, s.profiles().lastEvent());
    }
  }

  @Test
  void stats_afterWritingEvents_countsThem() {
    try (Store s = open()) {
      s.profiles().write(new Batch(List.of(new Profile("u-1", List.of(), Map.of())), List.of(order("o-1", "u-1", T))));
      StoreStats before = s.profiles().stats();
      assertEquals(1, before.profiles());
      assertEquals(1, before.events());
      s.profiles().write(new Batch(List.of(new Profile("u-2", List.of(), Map.of())),
          List.of(order("o-2", "u-2", T.plusSeconds(60)), view("v-1", "u-2", T.plusSeconds(120)))));
      StoreStats after = s.profiles().stats();
      assertEquals(2, after.profiles());
      assertEquals(3, after.events());
      assertEquals(2, after.orderLines());
      assertEquals(Map.of("order", 2L, "page_view", 1L), after.eventsByType());
      assertEquals(T.plusSeconds(120), after.lastEvent());
      assertEquals(T.plusSeconds(120), s.profiles().lastEvent());
      // An idempotent rewrite changes nothing, and the counts say so.
      s.profiles().write(new Batch(List.of(), List.of(order("o-2", "u-2", T.plusSeconds(60)))));
      assertEquals(3, s.profiles().stats().events());
    }
  }

  /**
   * A seeded fuzzer of writes: batches of new and known profiles, events with ids seen before (stored or twice in the
   * batch), anonymous events, links of anonymous ids, times with and without sub-microsecond parts. After each write the
   * statistics (carried forward by the write, or counted again) equal a count made apart on the same database.
   */
  @Test
  void stats_afterRandomWrites_equalAFreshCount() throws Exception {
    StoreConfig config = StoreConfig.resolve(dir, "500MB", 2, Map.of());
    Random random = new Random(20261205L);
    List<String> types = List.of("order", "page_view", "product_view");
    try (Store s = DuckDb.open(config); Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile())) {
      for (int round = 0; round < 40; round++) {
        List<Profile> profiles = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          String anon = "a-" + random.nextInt(15);
          profiles.add(new Profile("u-" + random.nextInt(25), random.nextBoolean() ? List.of(new Identifier("anonymous_id", anon)) : List.of(), Map.of()));
        }
        List<Event> events = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
          String id = "e-" + random.nextInt(round < 20 ? 1000 : 90);
          Instant at = T.plusSeconds(random.nextInt(86_400 * 30)).plusNanos(random.nextInt(10) == 0 ? 1_234_567 : random.nextInt(1000) * 1000L);
          String type = types.get(random.nextInt(types.size()));
          boolean anonymous = random.nextInt(4) == 0;
          String profile = anonymous ? null : "u-" + random.nextInt(25);
          events.add(type.equals("order") ? new Event(id, profile, anonymous ? "a-" + random.nextInt(15) : null, type, at, Map.of("revenue", Value.of(10)),
              List.of(new OrderLine("sku", "Shoe", "shoes", 1, 10, 0))) : new Event(id, profile, anonymous ? "a-" + random.nextInt(15) : null, type, at, Map.of(), List.of()));
          if (random.nextInt(8) == 0) {
            events.add(events.get(events.size() - 1));
          }
        }
        if (round % 3 == 0) {
          s.profiles().stats();
        }
        s.profiles().write(new Batch(profiles, events));
        assertEquals(counted(c), s.profiles().stats(), "round " + round);
      }
    }
  }

  private static StoreStats counted(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      long profiles = scalar(st, "SELECT count(*) FROM profiles");
      long events = scalar(st, "SELECT count(*) FROM events");
      long lines = scalar(st, "SELECT count(*) FROM order_lines");
      Map<String, Long> byType = new HashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT type, count(*) FROM events GROUP BY type")) {
        while (rs.next()) {
          byType.put(rs.getString(1), rs.getLong(2));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT min(ts), max(ts) FROM events")) {
        rs.next();
        Instant first = rs.getObject(1) == null ? null : rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        Instant last = rs.getObject(2) == null ? null : rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        return new StoreStats(profiles, events, lines, byType, first, last);
      }
    }
  }

  private static long scalar(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void stats_afterMergeAndErasure_dropTheProfiles() {
    try (Store s = open()) {
      s.profiles().write(new Batch(List.of(new Profile("u-1", List.of(), Map.of()), new Profile("u-2", List.of(), Map.of()),
          new Profile("u-3", List.of(), Map.of())), List.of(order("o-1", "u-1", T), order("o-3", "u-3", T.plusSeconds(600)))));
      assertEquals(3, s.profiles().stats().profiles());
      s.identities().merge("u-1", "u-2", "test", T);
      assertEquals(2, s.profiles().stats().profiles());
      assertEquals(T.plusSeconds(600), s.profiles().lastEvent());
      s.profiles().erase("u-3");
      StoreStats after = s.profiles().stats();
      assertEquals(1, after.profiles());
      assertEquals(1, after.events());
      assertEquals(T, after.lastEvent());
      assertEquals(T, s.profiles().lastEvent());
    }
  }

  @Test
  void all_afterSaveAndDelete_listsTheChange() {
    try (Store s = open()) {
      s.segmentDefinitions().save(new SegmentDefinition("buyers", "count(order) >= 1", "", T));
      assertEquals(List.of("buyers"), s.segmentDefinitions().all().stream().map(SegmentDefinition::name).toList());
      s.segmentDefinitions().save(new SegmentDefinition("active", "count(order in last 30 days) >= 1", "", T));
      assertEquals(List.of("active", "buyers"), s.segmentDefinitions().all().stream().map(SegmentDefinition::name).toList());
      s.segmentDefinitions().save(new SegmentDefinition("buyers", "count(order) >= 2", "", T.plusSeconds(1)));
      assertEquals("count(order) >= 2", s.segmentDefinitions().find("buyers").orElseThrow().rule());
      assertEquals(List.of("count(order in last 30 days) >= 1", "count(order) >= 2"),
          s.segmentDefinitions().all().stream().map(SegmentDefinition::rule).toList());
      s.segmentDefinitions().delete("active");
      assertEquals(List.of("buyers"), s.segmentDefinitions().all().stream().map(SegmentDefinition::name).toList());
      assertEquals(Optional.empty(), s.segmentDefinitions().find("active"), "found in the kept list: gone");
      assertEquals("count(order) >= 2", s.segmentDefinitions().find("buyers").orElseThrow().rule());
    }
  }

  @Test
  void all_ofPlacements_afterSaveAndDelete_listsTheChange() {
    try (Store s = open()) {
      assertEquals(List.of(), s.placementDefinitions().all());
      s.placementDefinitions().save(placement("home_hero", "Welcome"));
      assertEquals(List.of("home_hero"), s.placementDefinitions().all().stream().map(Placement::key).toList());
      s.placementDefinitions().save(placement("cart", "Also buy"));
      s.placementDefinitions().save(placement("home_hero", "Welcome back"));
      List<Placement> all = s.placementDefinitions().all();
      assertEquals(List.of("cart", "home_hero"), all.stream().map(Placement::key).toList());
      assertEquals(placement("home_hero", "Welcome back"), all.get(1));
      s.placementDefinitions().delete("cart");
      assertEquals(List.of("home_hero"), s.placementDefinitions().all().stream().map(Placement::key).toList());
    }
  }

  private static Placement placement(String key, String headline) {
    return PlacementJson.parse("{\"key\": \"" + key + "\", \"strategy\": \"first_match\", \"contents\": [], "
        + "\"fallback\": {\"key\": \"default\", \"payload\": {\"headline\": \"" + headline + "\"}}}");
  }
}
