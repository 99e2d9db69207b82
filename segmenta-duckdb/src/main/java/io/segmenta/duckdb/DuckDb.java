package io.segmenta.duckdb;

import io.segmenta.core.store.Store;

/** Opens the embedded store: one DuckDB file in a data directory. */
public final class DuckDb {
  private DuckDb() {}

  /**
   * Opens (creating if needed) the store in {@code config.dataDir()}. A second process opening the same file gets
   * a {@link io.segmenta.core.UserException} that says which process holds it.
   */
  public static Store open(StoreConfig config) {
    return DuckDbStore.open(config);
  }
}
