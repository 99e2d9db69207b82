package io.segmenta.benchspark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A bigger shop made of copies of a stored one: the database file is copied, then every table keyed by profile gets
 * {@code copies - 1} more copies of its rows with the keys shifted past the last one and the ids suffixed
 * ({@code c0000042~3}), so every copy is a shop of its own and every segment holds exactly {@code copies} times the
 * members. Why: SegmentBench's generator loads through {@code Store.write} (kept aggregates, identity), which on this
 * shared machine runs at 400-800 customers a second, hours for ten million; copying in SQL takes minutes. Scans and
 * grouped aggregates see the same distributions as in a generated shop of that size; what differs is that a value
 * repeats ten times (the compression of a column is alike, the dictionary of a suffixed id is ten times as big).
 *
 * <pre>java -cp 'segmenta-bench-spark/target/segmenta-bench-spark-0.1.0-SNAPSHOT.jar:segmenta-bench-spark/target/lib/*' \
 *     io.segmenta.benchspark.ShopCopies --from /tmp/bench-1m --to /tmp/bench-10m --copies 10</pre>
 */
public final class ShopCopies {
  /** Id columns that name one thing of one shop: suffixed in each copy so they stay unique. */
  private static final Set<String> IDS = Set.of("profile_id", "event_id", "anonymous_id", "order_id", "session_id");

  private ShopCopies() {}

  public static void main(String[] args) throws IOException, SQLException {
    if (!SparkBench.arg(args, "--lake-from", "").isEmpty()) {
      copyLake(Path.of(SparkBench.arg(args, "--lake-from", "")), Path.of(SparkBench.arg(args, "--lake-to", "/tmp/lake-10m")),
          Integer.parseInt(SparkBench.arg(args, "--copies", "10")), Long.parseLong(SparkBench.arg(args, "--last", "0")));
      return;
    }
    Path from = Path.of(SparkBench.arg(args, "--from", "/tmp/bench-1m"));
    Path to = Path.of(SparkBench.arg(args, "--to", "/tmp/bench-10m"));
    int copies = Integer.parseInt(SparkBench.arg(args, "--copies", "10"));
    if (copies < 2) {
      throw new IllegalArgumentException("copies: must be at least 2, not " + copies);
    }
    Path file = to.resolve("segmenta.duckdb");
    if (Files.exists(file)) {
      throw new IllegalArgumentException("to: " + file + " exists; remove it first");
    }
    Files.createDirectories(to);
    long t0 = System.nanoTime();
    Files.copy(from.resolve("segmenta.duckdb"), file);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
      s.execute("SET memory_limit = '" + SparkBench.arg(args, "--memory-limit", "4GB") + "'");
      s.execute("SET threads = " + Integer.parseInt(SparkBench.arg(args, "--threads", "2")));
      long last = scalar(s, "SELECT max(pkey) FROM profiles");
      Map<String, List<String>> tables = keyedTables(s);
      for (int k = 1; k < copies; k++) {
        s.execute("BEGIN TRANSACTION");
        for (Map.Entry<String, List<String>> t : tables.entrySet()) {
          s.execute(copy(t.getKey(), t.getValue(), k, last));
        }
        s.execute("COMMIT");
        System.out.printf("copy %d of %d written (%.0f s)%n", k + 1, copies, (System.nanoTime() - t0) / 1e9);
      }
      s.execute("CHECKPOINT");
      System.out.printf("%s: %,d profiles, %,d events, %,d order lines (%.0f s)%n", file, scalar(s, "SELECT count(*) FROM profiles"),
          scalar(s, "SELECT count(*) FROM events"), scalar(s, "SELECT count(*) FROM order_lines"), (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * The lake of the copied shop from the lake of the original ({@code DuckDb.exportParquet}'s files, kept as copy 0):
   * copy {@code k} of each table is one more Parquet file, {@code copy-0000k.parquet}, with the same keys and ids as {@link #main}'s
   * copy {@code k} ({@code last} is the original's largest key). The export sorts its rows by key; copy {@code k}'s keys
   * all lie above copy {@code k-1}'s, so the files in name order are sorted too, and no 250M-row sort is needed.
   */
  static void copyLake(Path from, Path to, int copies, long last) throws IOException, SQLException {
    if (last <= 0) {
      throw new IllegalArgumentException("last: the original shop's largest pkey is needed, not " + last);
    }
    if (Files.exists(to)) {
      throw new IllegalArgumentException("lake-to: " + to + " exists; remove it first");
    }
    long t0 = System.nanoTime();
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        Stream<Path> tables = Files.list(from)) {
      s.execute("SET memory_limit = '2GB'");
      for (Path table : tables.filter(Files::isDirectory).sorted().toList()) {
        Path dir = Files.createDirectories(to.resolve(table.getFileName()));
        String source = "read_parquet('" + table.resolve("*.parquet").toString().replace("'", "''") + "')";
        List<String> columns = new ArrayList<>();
        try (ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
          while (r.next()) {
            String column = r.getString(1);
            if (column.equals("pkey") || IDS.contains(column) || (table.getFileName().toString().equals("identifiers") && column.equals("value"))) {
              columns.add(column);
            }
          }
        }
        long n = scalar(s, "SELECT count(*) FROM " + source);
        // The original's files are copy 0 as they are (a table without keys, such as the schema, has no other copy).
        try (Stream<Path> files = Files.list(table)) {
          for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
            Files.copy(f, dir.resolve(f.getFileName()));
          }
        }
        if (!columns.contains("pkey")) {
          rows.put(table.getFileName().toString(), n);
          continue;
        }
        for (int k = 1; k < copies; k++) {
          s.execute("COPY (" + select(source, columns, k, last) + ") TO '" + dir.resolve(String.format("copy-%05d.parquet", k))
              + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        rows.put(table.getFileName().toString(), n * copies);
        System.out.printf("%s: %,d rows (%.0f s)%n", table.getFileName(), n * copies, (System.nanoTime() - t0) / 1e9);
      }
    }
    StringBuilder props = new StringBuilder("# Segmenta lake, layout described in docs/lake.md (ShopCopies: " + copies + " copies of " + from + ")\nlayout=1\n");
    rows.forEach((t, n) -> props.append("rows.").append(t).append('=').append(n).append('\n'));
    Files.writeString(to.resolve("lake.properties"), props);
  }

  /** Every table with a {@code pkey} column, with its columns to rewrite: the key and the ids. */
  static Map<String, List<String>> keyedTables(Statement s) throws SQLException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (ResultSet r = s.executeQuery("SELECT table_name, column_name FROM duckdb_columns() WHERE table_name IN"
        + " (SELECT table_name FROM duckdb_columns() WHERE column_name = 'pkey') ORDER BY table_name, column_index")) {
      while (r.next()) {
        String table = r.getString(1);
        String column = r.getString(2);
        out.computeIfAbsent(table, x -> new ArrayList<>());
        if (column.equals("pkey") || IDS.contains(column) || (table.equals("identifiers") && column.equals("value"))) {
          out.get(table).add(column);
        }
      }
    }
    return out;
  }

  /** The statement writing copy {@code k} of {@code table}: keys shifted by {@code k * last}, ids suffixed {@code ~k}. */
  static String copy(String table, List<String> columns, int k, long last) {
    return "INSERT INTO " + table + " " + select(table, columns, k, last);
  }

  /** Copy {@code k}'s rows of {@code source} (a table or a Parquet read): the originals' rows, keys shifted, ids suffixed. */
  static String select(String source, List<String> columns, int k, long last) {
    List<String> replaced = new ArrayList<>();
    for (String c : columns) {
      replaced.add(c.equals("pkey") ? "pkey + " + (k * last) + " AS pkey" : "\"" + c + "\" || '~" + k + "' AS \"" + c + "\"");
    }
    return "SELECT * REPLACE (" + String.join(", ", replaced) + ") FROM " + source + " WHERE pkey <= " + last;
  }

  static long scalar(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
