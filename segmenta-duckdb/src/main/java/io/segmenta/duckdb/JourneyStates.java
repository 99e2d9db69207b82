package io.segmenta.duckdb;

import static io.segmenta.duckdb.JourneyTable.instant;
import static io.segmenta.duckdb.JourneyTable.ldt;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Optional;

/**
 * Each journey's state in {@code journey_states}: whether it is paused and when its schedule last fired (one row a
 * journey, added on its first write). Under the store's lock ({@link Db}), as the rest of the journey log.
 */
final class JourneyStates {
  private final Db db;

  JourneyStates(Db db) {
    this.db = db;
  }

  boolean paused(String journey) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT bool_or(paused) FROM journey_states WHERE journey = ?")) {
        ps.setString(1, journey);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getBoolean(1);
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the state of journey " + journey + ": ", e);
      }
    }
  }

  void pause(String journey, boolean paused) {
    JourneyTable.write(db, () -> {
      state(journey);
      try (PreparedStatement ps = db.conn.prepareStatement("UPDATE journey_states SET paused = ? WHERE journey = ?")) {
        ps.setBoolean(1, paused);
        ps.setString(2, journey);
        ps.executeUpdate();
      }
    });
  }

  Optional<Instant> lastFired(String journey) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT max(last_fired) FROM journey_states WHERE journey = ?")) {
        ps.setString(1, journey);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return Optional.ofNullable(instant(rs.getObject(1, LocalDateTime.class)));
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the schedule of journey " + journey + ": ", e);
      }
    }
  }

  void fired(String journey, Instant at) {
    JourneyTable.write(db, () -> {
      state(journey);
      try (PreparedStatement ps = db.conn.prepareStatement("UPDATE journey_states SET last_fired = ? WHERE journey = ?")) {
        ps.setObject(1, ldt(at));
        ps.setString(2, journey);
        ps.executeUpdate();
      }
    });
  }

  /** Adds the journey's state row (active, never fired) if it has none. */
  private void state(String journey) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_states(journey, paused, last_fired) SELECT ?, false, NULL"
        + " WHERE NOT EXISTS (SELECT 1 FROM journey_states WHERE journey = ?)")) {
      ps.setString(1, journey);
      ps.setString(2, journey);
      ps.executeUpdate();
    }
  }
}
