package io.segmenta.duckdb;

import io.segmenta.core.destination.Entry;
import io.segmenta.core.destination.SyncState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * What the last successful sync of each destination sent, in {@code destination_state(destination, fingerprint,
 * profile_id, kept)}. The diff reads only the fingerprints, in order (a 64-bit column transfers far faster than text
 * through JDBC); kept values are read only for the removed ones; a run's adds are appended and its removes deleted in
 * one transaction, through a temporary table of fingerprints. An erasure clears the profile id of the person's rows
 * and keeps the hashed values only until the next sync removes them downstream.
 */
final class DestinationStateTable implements SyncState {
  private final Db db;

  DestinationStateTable(Db db) {
    this.db = db;
  }

  static void create(DdlScript s) {
    s.execute("CREATE TABLE IF NOT EXISTS destination_state(destination VARCHAR NOT NULL, fingerprint BIGINT NOT NULL,"
        + " profile_id VARCHAR, kept VARCHAR NOT NULL)");
  }

  @Override
  public long[] fingerprints(String destination) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement(
          "SELECT fingerprint FROM destination_state WHERE destination = ?")) {
        ps.setString(1, destination);
        long[] out = new long[1024];
        int n = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (n == out.length) {
              out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = rs.getLong(1);
          }
        }
        // Sorted here, not by ORDER BY: on the 1M shop DuckDB's ordered result came back as two ascending runs (one
        // inversion at a different place each time), and the diff's merge then re-sent about half of the audience.
        long[] kept = Arrays.copyOf(out, n);
        Arrays.sort(kept);
        return kept;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the sync state of destination " + destination + ": ", e);
      }
    }
  }

  @Override
  public List<String> kept(String destination, long[] fingerprints) {
    synchronized (db) {
      try {
        stage(fingerprints);
        List<String> out = new ArrayList<>(fingerprints.length);
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT s.kept FROM destination_state s JOIN _dest_fps f"
            + " ON s.fingerprint = f.fingerprint WHERE s.destination = ?")) {
          ps.setString(1, destination);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the removed entries of destination " + destination + ": ", e);
      }
    }
  }

  @Override
  public void apply(String destination, Collection<Entry> added, long[] removed) {
    synchronized (db) {
      db.transaction(() -> {
        if (removed.length > 0) {
          stage(removed);
          try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM destination_state WHERE destination = ?"
              + " AND fingerprint IN (SELECT fingerprint FROM _dest_fps)")) {
            ps.setString(1, destination);
            ps.executeUpdate();
          }
        }
        try (DuckDBAppender a = db.conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "destination_state")) {
          for (Entry e : added) {
            a.beginRow().append(destination).append(e.fingerprint()).append(e.profileId()).append(e.kept()).endRow();
          }
        }
        return null;
      });
    }
  }

  @Override
  public void forget(String destination) {
    synchronized (db) {
      db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM destination_state WHERE destination = ?")) {
          ps.setString(1, destination);
          ps.executeUpdate();
        }
        return null;
      });
    }
  }

  @Override
  public Set<String> erase(Set<String> profileIds) {
    synchronized (db) {
      return db.transaction(() -> {
        Set<String> holding = new TreeSet<>();
        try (Statement st = db.conn.createStatement()) {
          st.execute("CREATE OR REPLACE TEMP TABLE _dest_erase(profile_id VARCHAR)");
        }
        try (DuckDBAppender a = db.conn.createAppender("temp", "main", "_dest_erase")) {
          for (String id : profileIds) {
            a.beginRow().append(id).endRow();
          }
        }
        try (Statement st = db.conn.createStatement();
            ResultSet rs = st.executeQuery("SELECT DISTINCT destination FROM destination_state WHERE profile_id IN (SELECT profile_id FROM _dest_erase)")) {
          while (rs.next()) {
            holding.add(rs.getString(1));
          }
        }
        try (Statement st = db.conn.createStatement()) {
          // A webhook's kept value is the profile id itself: it stays until the next sync tells the receiver to remove it.
          st.executeUpdate("UPDATE destination_state SET profile_id = NULL WHERE profile_id IN (SELECT profile_id FROM _dest_erase)");
          st.execute("DROP TABLE _dest_erase");
        }
        return holding;
      });
    }
  }

  private void stage(long[] fingerprints) throws SQLException {
    try (Statement st = db.conn.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE _dest_fps(fingerprint BIGINT)");
    }
    try (DuckDBAppender a = db.conn.createAppender("temp", "main", "_dest_fps")) {
      for (long f : fingerprints) {
        a.beginRow().append(f).endRow();
      }
    }
  }
}
