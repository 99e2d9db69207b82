package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/** Opens the embedded store: one DuckDB file in a data directory. */
public final class DuckDb {
  private DuckDb() {}

  /**
   * Opens (creating if needed) the store in {@code config.dataDir()}. A second process opening the same file gets
   * a {@link io.segmenta.core.UserException} that says which process holds it.
   */
  public static Store open(StoreConfig config) {
    return open(config, Clock.systemUTC());
  }

  /**
   * As {@link #open(StoreConfig)}, stamping what the store dates itself (a definition's {@code updated_at}) by
   * {@code clock}: a server passes its injected clock.
   */
  public static Store open(StoreConfig config, Clock clock) {
    return DuckDbStore.open(config, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The store for a command that only reads: opened read-only when the file is already this version's (other
   * read-only opens may then run beside it), else as {@link #open(StoreConfig)}. Writing through it fails.
   */
  public static Store openReadOnly(StoreConfig config) {
    return DuckDbStore.openReadOnly(config, Clock.systemUTC());
  }

  /**
   * Writes the store in the Parquet lake layout of docs/lake.md into {@code dir} (new or empty), the layout the
   * Spark engine and a shop's own pipeline share; returns the rows written per table.
   */
  public static Map<String, Long> exportParquet(StoreConfig config, Path dir) {
    try (DuckDbStore store = DuckDbStore.openReadOnly(config, Clock.systemUTC())) {
      return store.withConnection(c -> LakeExport.write(c, dir));
    }
  }

  /**
   * As {@link #exportParquet(StoreConfig, Path)}, from a store this process has open (the file is then locked to a
   * second open): a pipeline that keeps writing the embedded store and refreshes its lake.
   */
  public static Map<String, Long> exportParquet(Store store, Path dir) {
    if (!(store instanceof DuckDbStore duck)) {
      throw new IllegalArgumentException("store: not an embedded DuckDB store: " + store.getClass().getSimpleName());
    }
    return duck.withConnection(c -> LakeExport.write(c, dir));
  }

  /** Converts a CSV file with a header line to Parquet (all columns text), through an in-memory DuckDB: destinations' Parquet files. */
  public static void csvToParquet(Path csv, Path parquet) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("COPY (SELECT * FROM read_csv('" + csv.toString().replace("'", "''") + "', header = true, all_varchar = true)) TO '"
          + parquet.toString().replace("'", "''") + "' (FORMAT parquet)");
    } catch (SQLException e) {
      throw SqlFailures.of("could not write the parquet file " + parquet + ": ", e);
    }
  }
}
