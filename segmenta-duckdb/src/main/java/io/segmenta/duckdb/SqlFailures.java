package io.segmenta.duckdb;

import io.segmenta.core.StoreException;
import java.sql.SQLException;

/**
 * Translates the engine's SQLExceptions into the store's one exception, in one place: what failed, in words, then the
 * engine's own message (which names the table or column, never a person's data), with the cause kept for the log.
 */
final class SqlFailures {
  private SqlFailures() {}

  /** {@code what} says what the store was doing, e.g. "could not read segment x: ". */
  static StoreException of(String what, SQLException e) {
    return new StoreException(what + e.getMessage(), e);
  }
}
