package io.segmenta.duckdb;

import io.segmenta.core.journey.JourneyLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journey log in three tables: {@code journey_runs} (one row per journey, profile and entry: the step it is at and
 * when it is due; ended runs keep their outcome), {@code journey_steps} (every step taken or skipped, with its reason)
 * and {@code journey_sends} (idempotency keys, pending until delivered). No primary keys: DuckDB checks an indexed
 * table's constraints eagerly on UPDATE, and every row here is updated; the store's lock ({@link Db}) serialises the
 * read-then-write of a claim instead.
 */
final class JourneyTable implements JourneyLog {
  /** The tables that hold a profile id, for erasure. */
  static final List<String> TABLES = List.of("journey_runs", "journey_steps", "journey_sends");

  private final Db db;

  JourneyTable(Db db) {
    this.db = db;
  }

  static void create(DdlScript s) {
    s.execute("CREATE TABLE IF NOT EXISTS journey_runs(journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL, entry INTEGER NOT NULL,"
        + " version INTEGER NOT NULL, step VARCHAR NOT NULL, due_at TIMESTAMP, attempts INTEGER NOT NULL, entered_at TIMESTAMP NOT NULL)");
    s.execute("CREATE TABLE IF NOT EXISTS journey_steps(journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL, entry INTEGER NOT NULL,"
        + " step VARCHAR NOT NULL, outcome VARCHAR NOT NULL, reason VARCHAR, ts TIMESTAMP NOT NULL)");
    s.execute("CREATE TABLE IF NOT EXISTS journey_sends(key VARCHAR NOT NULL, journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL,"
        + " channel VARCHAR NOT NULL, state VARCHAR NOT NULL, claimed_at TIMESTAMP NOT NULL, sent_at TIMESTAMP)");
  }

  @Override
  public Entries entries(String journey, String profileId) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement(
          "SELECT count(*), max(entered_at), count(due_at) FROM journey_runs WHERE journey = ? AND profile_id = ?")) {
        ps.setString(1, journey);
        ps.setString(2, profileId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          int n = rs.getInt(1);
          return n == 0 ? Entries.NONE : new Entries(n, instant(rs.getObject(2, LocalDateTime.class)), rs.getInt(3) > 0);
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the entries of journey " + journey + ": ", e);
      }
    }
  }

  @Override
  public void enter(Run run, StepRecord entered) {
    write(() -> {
      try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_runs VALUES (?, ?, ?, ?, ?, ?, 0, ?)")) {
        ps.setString(1, run.journey());
        ps.setString(2, run.profileId());
        ps.setInt(3, run.entry());
        ps.setInt(4, run.version());
        ps.setString(5, run.step());
        ps.setObject(6, ldt(run.dueAt()));
        ps.setObject(7, ldt(entered.at()));
        ps.executeUpdate();
      }
      insert(entered);
    });
  }

  @Override
  public List<Run> due(Instant now, int limit) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT journey, profile_id, entry, version, step, due_at, attempts FROM journey_runs"
          + " WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, journey, profile_id LIMIT ?")) {
        ps.setObject(1, ldt(now));
        ps.setInt(2, limit);
        List<Run> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Run(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                instant(rs.getObject(6, LocalDateTime.class)), rs.getInt(7)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the due journey steps: ", e);
      }
    }
  }

  @Override
  public void move(Run run, String step, Instant dueAt, StepRecord record) {
    write(() -> {
      update(run, step, dueAt, 0);
      insert(record);
    });
  }

  @Override
  public void end(Run run, StepRecord record) {
    write(() -> {
      update(run, run.step(), null, run.attempts());
      insert(record);
    });
  }

  @Override
  public void retry(Run run, Instant dueAt) {
    write(() -> update(run, run.step(), dueAt, run.attempts() + 1));
  }

  private void update(Run run, String step, Instant dueAt, int attempts) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement(
        "UPDATE journey_runs SET step = ?, due_at = ?, attempts = ?, version = ? WHERE journey = ? AND profile_id = ? AND entry = ?")) {
      ps.setString(1, step);
      ps.setObject(2, dueAt == null ? null : ldt(dueAt));
      ps.setInt(3, attempts);
      ps.setInt(4, run.version());
      ps.setString(5, run.journey());
      ps.setString(6, run.profileId());
      ps.setInt(7, run.entry());
      ps.executeUpdate();
    }
  }

  private void insert(StepRecord r) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_steps VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.journey());
      ps.setString(2, r.profileId());
      ps.setInt(3, r.entry());
      ps.setString(4, r.step());
      ps.setString(5, r.outcome());
      ps.setString(6, r.reason());
      ps.setObject(7, ldt(r.at()));
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<SendState> send(String key) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT max(state) FROM journey_sends WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          String s = rs.getString(1);
          return s == null ? Optional.empty() : Optional.of(SendState.valueOf(s));
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read a send key: ", e);
      }
    }
  }

  @Override
  public void claim(String key, String journey, String profileId, String channel, Instant at) {
    write(() -> {
      try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_sends SELECT ?, ?, ?, ?, 'PENDING', ?, NULL"
          + " WHERE NOT EXISTS (SELECT 1 FROM journey_sends WHERE key = ?)")) {
        ps.setString(1, key);
        ps.setString(2, journey);
        ps.setString(3, profileId);
        ps.setString(4, channel);
        ps.setObject(5, ldt(at));
        ps.setString(6, key);
        ps.executeUpdate();
      }
    });
  }

  @Override
  public void sent(String key, Instant at) {
    write(() -> {
      try (PreparedStatement ps = db.conn.prepareStatement("UPDATE journey_sends SET state = 'SENT', sent_at = ? WHERE key = ?")) {
        ps.setObject(1, ldt(at));
        ps.setString(2, key);
        ps.executeUpdate();
      }
    });
  }

  @Override
  public int sentSince(String profileId, String channel, Instant since) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement(
          "SELECT count(*) FROM journey_sends WHERE profile_id = ? AND channel = ? AND state = 'SENT' AND sent_at >= ?")) {
        ps.setString(1, profileId);
        ps.setString(2, channel);
        ps.setObject(3, ldt(since));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not count sends: ", e);
      }
    }
  }

  @Override
  public List<StepRecord> history(String journey, String profileId) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT entry, step, outcome, reason, ts FROM journey_steps"
          + " WHERE journey = ? AND profile_id = ? ORDER BY ts, rowid")) {
        ps.setString(1, journey);
        ps.setString(2, profileId);
        List<StepRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StepRecord(journey, profileId, rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                instant(rs.getObject(5, LocalDateTime.class))));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the steps of journey " + journey + ": ", e);
      }
    }
  }

  @Override
  public Map<String, Long> counts(String journey) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT step || '/' || outcome, count(*) FROM journey_steps WHERE journey = ?"
          + " GROUP BY 1 ORDER BY 1")) {
        ps.setString(1, journey);
        Map<String, Long> out = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not count the steps of journey " + journey + ": ", e);
      }
    }
  }

  @Override
  public void erase(Collection<String> profileIds) {
    write(() -> {
      for (String table : TABLES) {
        try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM " + table + " WHERE profile_id = ?")) {
          for (String id : profileIds) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
        }
      }
    });
  }

  @FunctionalInterface
  private interface Write {
    void run() throws SQLException;
  }

  private void write(Write w) {
    synchronized (db) {
      db.transaction(() -> {
        w.run();
        return null;
      });
    }
  }

  private static LocalDateTime ldt(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static Instant instant(LocalDateTime t) {
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }
}
