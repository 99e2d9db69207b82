package io.segmenta.duckdb;

import io.segmenta.core.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.StandardCopyOption;

/**
 * Rewriting the database into a fresh file after an erasure, so no erased byte stays on disk. Takes the store's lock ({@link Db}) as the store did.
 */
final class FileCompaction {
  private final Db db;

  FileCompaction(Db db) {
    this.db = db;
  }

  /**
   * Rewrites the database into a fresh file and swaps it in. A DuckDB DELETE frees blocks but leaves their old
   * bytes in the file; a copy holds only live rows, so an erased person's data is gone from the disk, not only
   * from queries. If the process dies midway, the old file (already without the deleted rows in any query)
   * stays in place and the next erasure compacts again.
   */
  void compact() {
    Path fresh = db.config.dataDir().resolve("segmenta.compacting.duckdb");
    try {
      Files.deleteIfExists(fresh);
      Files.deleteIfExists(Path.of(fresh + ".wal"));
      String catalog;
      try (Statement st = db.conn.createStatement()) {
        st.execute("CHECKPOINT");
        try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
          rs.next();
          catalog = rs.getString(1);
        }
        st.execute("ATTACH '" + fresh.toString().replace("'", "''") + "' AS sg_compact");
        st.execute("COPY FROM DATABASE \"" + catalog.replace("\"", "\"\"") + "\" TO sg_compact");
        st.execute("DETACH sg_compact");
      }
      db.conn.close();
      Files.move(fresh, db.config.databaseFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(Path.of(db.config.databaseFile() + ".wal"));
    } catch (SQLException | IOException e) {
      throw new StoreException("the rows are deleted, but rewriting the database file failed (it is retried on the next erasure): " + e.getMessage(), e);
    } finally {
      try {
        if (db.conn.isClosed()) {
          db.conn = DuckDbStore.connect(db.config);
        }
      } catch (SQLException e) {
        throw SqlFailures.of("cannot reopen the database after compacting: ", e);
      }
    }
  }
}
