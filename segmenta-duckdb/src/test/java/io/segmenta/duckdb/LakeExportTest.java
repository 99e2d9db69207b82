package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.RandomShop;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DuckDb.exportParquet} writes the lake layout of docs/lake.md: every table round-trips row for row through
 * its Parquet files, and the files' columns and types are the documented ones (a golden file for the standard
 * schema, so a change of the layout is a visible change of the contract).
 */
class LakeExportTest {
  @TempDir
  Path dir;

  private StoreConfig config() {
    return StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
  }

  private void seed(int customers) {
    try (Store s = DuckDb.open(config())) {
      s.profiles().write(new RandomShop(7).data(customers));
      s.segmentDefinitions().save(new SegmentDefinition("buyers", "orders >= 1", null, Instant.parse("2025-07-01T00:00:00Z")));
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String files(Path lake, String table) {
    return "read_parquet('" + lake.resolve(table).toString().replace("'", "''") + "/*.parquet')";
  }

  @Test
  void exportParquet_randomShop_everyTableRoundTripsRowForRow() throws Exception {
    seed(120);
    Path lake = dir.resolve("lake");
    Map<String, Long> rows = DuckDb.exportParquet(config(), lake);
    assertEquals(LakeExport.tableNames(), rows.keySet().stream().toList());
    assertTrue(rows.get("profiles") >= 120 && rows.get("events") > 300 && rows.get("order_lines") > 100, rows::toString);
    assertTrue(Files.readString(lake.resolve("lake.properties")).contains("layout=1\n"));
    try (DuckDbStore s = DuckDbStore.openReadOnly(config(), Clock.systemUTC())) {
      s.withConnection(c -> {
        try {
          for (String t : LakeExport.tableNames()) {
            assertEquals(rows.get(t), count(c, "SELECT count(*) FROM " + files(lake, t)), t);
            assertEquals(rows.get(t), count(c, "SELECT count(*) FROM " + t), t);
            assertEquals(0, count(c, "SELECT count(*) FROM (SELECT * FROM " + t + " EXCEPT ALL SELECT * FROM " + files(lake, t) + ")"), t);
            assertEquals(0, count(c, "SELECT count(*) FROM (SELECT * FROM " + files(lake, t) + " EXCEPT ALL SELECT * FROM " + t + ")"), t);
          }
          // Sorted by profile key, so a reader's scans by profile read neighbouring rows.
          assertEquals(0, count(c, "SELECT count(*) FROM (SELECT pkey, lag(pkey) OVER () AS prev FROM " + files(lake, "events")
              + ") WHERE pkey < prev"));
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
        return null;
      });
    }
    try (Stream<Path> partial = Files.list(dir)) {
      assertFalse(partial.anyMatch(p -> p.getFileName().toString().contains(".partial-")), "a partial directory was left behind");
    }
  }

  @Test
  void exportParquet_columns_areTheDocumentedLayout() throws IOException {
    seed(5);
    Path lake = dir.resolve("lake");
    DuckDb.exportParquet(config(), lake);
    StringBuilder actual = new StringBuilder();
    try (DuckDbStore s = DuckDbStore.openReadOnly(config(), Clock.systemUTC())) {
      s.withConnection(c -> {
        try (Statement st = c.createStatement()) {
          for (String t : LakeExport.tableNames()) {
            actual.append(t).append('\n');
            try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + files(lake, t))) {
              while (rs.next()) {
                actual.append("  ").append(rs.getString("column_name")).append(' ').append(rs.getString("column_type")).append('\n');
              }
            }
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
        return null;
      });
    }
    String expected;
    try (InputStream in = LakeExportTest.class.getResourceAsStream("lake-layout.txt")) {
      expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(expected, actual.toString(), "the lake's columns changed: update docs/lake.md and lake-layout.txt together");
  }

  @Test
  void exportParquet_nonEmptyDirectory_isRefusedByName() throws IOException {
    seed(3);
    Path lake = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(lake.resolve("keep.txt"), "mine");
    UserException e = assertThrows(UserException.class, () -> DuckDb.exportParquet(config(), lake));
    assertTrue(e.getMessage().contains("export directory") && e.getMessage().contains("taken"), e.getMessage());
    assertEquals("mine", Files.readString(lake.resolve("keep.txt")));
    Path empty = Files.createDirectories(dir.resolve("empty"));
    DuckDb.exportParquet(config(), empty);
    assertTrue(Files.exists(empty.resolve("events/part-00000.parquet")));
  }
}
