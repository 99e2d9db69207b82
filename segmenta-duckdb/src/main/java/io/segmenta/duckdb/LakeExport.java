package io.segmenta.duckdb;

import io.segmenta.core.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a store in the lake layout of docs/lake.md: one directory per table holding Parquet files, and
 * {@code lake.properties} naming the layout's version. The tables are copied as the store holds them (DuckDB's
 * {@code COPY ... TO (FORMAT parquet)}), sorted by profile key so a reader's scans and joins by profile read
 * neighbouring rows; timestamps are UTC wall-clock times without a zone, as in the store.
 *
 * <p>Written into a sibling directory and moved into place at the end, so a failed export leaves no half lake.
 */
final class LakeExport {
  /** The layout's version, in {@code lake.properties}; a reader refuses another. */
  static final int LAYOUT = 1;

  /** Table, and the order its rows are written in. Profiles and events are required; the others may be empty. */
  static final Map<String, String> TABLES = tables();

  private static Map<String, String> tables() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("profiles", "pkey");
    t.put("identifiers", "pkey, kind, value");
    t.put("events", "pkey NULLS LAST, ts, event_id");
    t.put("order_lines", "pkey NULLS LAST, ts, event_id, line_no");
    t.put("consents", "pkey, ts, purpose");
    t.put("schema_traits", "name");
    t.put("schema_properties", "name");
    t.put("segments", "name");
    return t;
  }

  private LakeExport() {}

  /** Rows written per table, in the order of {@link #TABLES}. */
  static Map<String, Long> write(Connection c, Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
        throw new UserException("the export directory must be new or empty: " + target);
      }
      Path parent = target.getParent();
      Files.createDirectories(parent);
      Path work = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
      try {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
          for (Map.Entry<String, String> t : TABLES.entrySet()) {
            Path tableDir = Files.createDirectory(work.resolve(t.getKey()));
            String file = tableDir.resolve("part-00000.parquet").toString().replace("'", "''");
            st.execute("COPY (SELECT * FROM " + t.getKey() + " ORDER BY " + t.getValue() + ") TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t.getKey())) {
              rs.next();
              rows.put(t.getKey(), rs.getLong(1));
            }
          }
        }
        StringBuilder props = new StringBuilder("# Segmenta lake, layout described in docs/lake.md\nlayout=" + LAYOUT + "\n");
        rows.forEach((t, n) -> props.append("rows.").append(t).append('=').append(n).append('\n'));
        Files.writeString(work.resolve("lake.properties"), props);
        if (Files.exists(target)) {
          Files.delete(target);
        }
        try {
          Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(work, target);
        }
        return rows;
      } catch (SQLException | IOException | RuntimeException e) {
        deleteTree(work);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlFailures.of("could not export the store to " + target + ": ", e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not export the store to " + target, e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // Best effort: the partial directory is hidden and named as partial.
    }
  }

  /** The table names of the layout, for tests and documentation. */
  static List<String> tableNames() {
    return List.copyOf(TABLES.keySet());
  }
}
