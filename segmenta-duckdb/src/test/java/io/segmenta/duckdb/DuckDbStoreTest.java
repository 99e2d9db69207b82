package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbStoreTest {
  @TempDir
  Path dir;

  @Test
  void write_rowsOfOneProfileInABatchMergeInOrder() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      s.profiles().write(new Batch(List.of(
          new Profile("m-1", List.of(), Map.of("age", new Value.Num(30), "city", new Value.Str("Ry"))),
          new Profile("m-1", List.of(), Map.of("city", new Value.Str("Vejle"))),
          new Profile("m-1", List.of(), Map.of("gender", new Value.Str("f")))), List.of()));
      var p = s.profiles().history("m-1").orElseThrow().profile();
      org.junit.jupiter.api.Assertions.assertEquals(new Value.Num(30), p.trait("age"), "kept from the first row");
      org.junit.jupiter.api.Assertions.assertEquals(new Value.Str("Vejle"), p.trait("city"), "the later value wins");
      org.junit.jupiter.api.Assertions.assertEquals(new Value.Str("f"), p.trait("gender"));
    }
  }

  @Test
  void open_appliesMemoryLimitAndThreads() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      String[] settings = ((DuckDbStore) s).withConnection(c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('memory_limit'), current_setting('threads')")) {
          rs.next();
          return new String[] {rs.getString(1), rs.getString(2)};
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(settings[0].startsWith("286") || settings[0].startsWith("300"), settings[0]);
      assertEquals("1", settings[1]);
    }
  }

  @Test
  void config_environmentAndFileAndFlagsInOrder() throws Exception {
    Files.writeString(dir.resolve("segmenta.properties"), "memory_limit = 700MB\nthreads = 3\n");
    StoreConfig fromFile = StoreConfig.resolve(dir, null, null, Map.of());
    assertEquals("700MB", fromFile.memoryLimit());
    assertEquals(3, fromFile.threads());
    StoreConfig fromEnv = StoreConfig.resolve(dir, null, null, Map.of("SEGMENTA_THREADS", "2"));
    assertEquals(2, fromEnv.threads());
    assertEquals(1, StoreConfig.resolve(dir, null, 1, Map.of("SEGMENTA_THREADS", "2")).threads());
    UserException bad = assertThrows(UserException.class, () -> StoreConfig.resolve(dir, "lots", null, Map.of()));
    assertTrue(bad.getMessage().contains("memory limit must look like 4GB or 512MB, got 'lots'"), bad.getMessage());
  }

  @Test
  void open_secondProcessGetsAClearError() throws Exception {
    Path data = dir.resolve("shared-db");
    DuckDb.open(StoreConfig.resolve(data, "256MB", 1, Map.of())).close();
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OpenElsewhere.class.getName(), data.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream()))) {
      assertEquals("open", r.readLine(), "the other process should have opened the store");
      UserException e = assertThrows(UserException.class, () -> DuckDb.open(StoreConfig.resolve(data, "256MB", 1, Map.of())));
      assertTrue(e.getMessage().matches("the database .*segmenta\\.duckdb is in use by another process \\(pid \\d+\\); stop it first.*"), e.getMessage());
      assertFalse(e.getMessage().contains("\tat "), "no stack trace in the message");
    } finally {
      other.destroyForcibly();
      other.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void write_failingBatchLeavesNothingBehind() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      Instant t = Instant.parse("2024-01-01T00:00:00Z");
      s.profiles().write(new Batch(List.of(new Profile("a", List.of(), Map.of("age", Value.of(30)))), List.of()));
      // A trait value of the wrong type for its column cannot be appended: the whole batch must roll back.
      Batch bad = new Batch(List.of(new Profile("b", List.of(), Map.of("age", Value.of("thirty")))),
          List.of(new Event("e1", "b", null, "order", t, Map.of(), List.of())));
      assertThrows(RuntimeException.class, () -> s.profiles().write(bad));
      assertEquals(1, s.profiles().stats().profiles());
      assertEquals(0, s.profiles().stats().events());
    }
  }

  @Test
  void write_mergesTraitsAndKeepsWhatIsNotGiven() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      s.profiles().write(new Batch(List.of(new Profile("a", List.of(), Map.of("age", Value.of(30), "city", Value.of("Oslo")))), List.of()));
      var r = s.profiles().write(new Batch(List.of(new Profile("a", List.of(), Map.of("city", Value.of("Bergen")))), List.of()));
      assertEquals(1, r.profilesUpdated());
      var p = s.profiles().history("a").orElseThrow().profile();
      assertEquals(Value.of(30), p.trait("age"));
      assertEquals(Value.of("Bergen"), p.trait("city"));
    }
  }

  @Test
  void declareTrait_survivesReopeningAndIsUsableInRules() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      s.catalog().declareTrait(new TraitDef("loyalty_tier", ValueType.STRING, Family.CUSTOM, "from the CRM"));
      s.profiles().write(new Batch(List.of(new Profile("a", List.of(), Map.of("loyalty_tier", Value.of("gold")))), List.of()));
    }
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      assertTrue(s.catalog().schema().trait("loyalty_tier").isPresent());
      assertEquals(1, s.audiences().run(new AudienceQuery.Count(RuleText.parseRule("loyalty_tier = \"gold\""), Instant.now())));
    }
  }

  @Test
  void segments_saveReferAndDelete() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      s.profiles().write(new Batch(List.of(new Profile("a", List.of(), Map.of("age", Value.of(20))), new Profile("b", List.of(), Map.of("age", Value.of(70)))), List.of()));
      s.segmentDefinitions().save(new SegmentDefinition("young", "age < 30", "", Instant.now()));
      assertEquals(List.of("a"), s.audiences().run(new AudienceQuery.Page(RuleText.parseRule("segment \"young\""), Instant.now(), 0, 10)));
      assertEquals(List.of("b"), s.audiences().run(new AudienceQuery.Page(RuleText.parseRule("not segment \"young\""), Instant.now(), 0, 10)));
      assertTrue(s.segmentDefinitions().delete("young"));
      assertTrue(s.segmentDefinitions().all().isEmpty());
    }
  }
}
