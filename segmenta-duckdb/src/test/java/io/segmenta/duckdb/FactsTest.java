package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.RandomShop;
import io.segmenta.testkit.contract.FactsContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The kept aggregates' contract ({@link FactsContract}) on DuckDB, and DuckDB's own way of keeping them: the
 * {@code profile_facts} table, built when a database written before it (or with other definitions) is opened.
 */
class FactsTest extends FactsContract {

  @Override
  protected Store open(Path dir) {
    return DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }

  @Nested
  class Building {
    @Test
    void open_databaseWithoutKeptValues_buildsThem() throws Exception {
      try (Store store = open()) {
        writeInParts(store, new RandomShop(16).data(60));
      }
      // As a database written before the kept values existed.
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("segmenta.duckdb")); Statement st = c.createStatement()) {
        st.execute("DROP TABLE profile_facts");
        st.execute("DELETE FROM meta WHERE key IN ('facts', 'facts_through')");
      }
      try (Store store = open()) {
        assertTrue(store.audiences().explain(EVERYONE, AFTER).contains("profile_facts"));
        assertAgree(store, AFTER);
      }
    }

    @Test
    void open_changedDefinitions_rebuildsThem() throws Exception {
      try (Store store = open()) {
        store.profiles().write(new RandomShop(17).data(30));
      }
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("segmenta.duckdb")); Statement st = c.createStatement()) {
        st.execute("UPDATE profile_facts SET order_count = order_count + 100");
        st.execute("UPDATE meta SET value = 'older definitions' WHERE key = 'facts'");
      }
      try (Store store = open()) {
        assertAgree(store, AFTER);
      }
    }
  }
}
