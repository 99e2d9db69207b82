package io.segmenta.duckdb;

import io.segmenta.core.journey.JourneyLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The journey log in three tables: {@code journey_runs} (one row per journey, profile and entry: the step it is at and
 * when it is due; ended runs keep their outcome), {@code journey_steps} (every step taken or skipped, with its reason)
 * and {@code journey_sends} (idempotency keys, pending until delivered), and {@code journey_members} (each segment-triggered
 * journey's copy of its segment's members, for the catch-up after a crash). No primary keys: DuckDB checks an indexed
 * table's constraints eagerly on UPDATE, and every row here is updated; the store's lock ({@link Db}) serialises the
 * read-then-write of a claim instead.
 * Batched writes are {@code JourneySends} and {@code JourneyBatches}'; each journey's pause and schedule state is
 * {@code JourneyStates}'.
 */
final class JourneyTable implements JourneyLog {
  /** The tables that hold a profile id, for erasure. */
  static final List<String> TABLES = List.of("journey_runs", "journey_steps", "journey_sends", "journey_members");

  private final Db db;
  private final JourneyBatches batches;
  private final JourneySends sends;
  private final DeliveryNotes notes;
  private final JourneyStates states;

  JourneyTable(Db db) {
    this.db = db;
    this.notes = DeliveryNotes.beside(db.config.databaseFile());
    this.states = new JourneyStates(db);
    this.batches = new JourneyBatches(db);
    this.sends = new JourneySends(db);
  }

  static void create(DdlScript s) {
    s.execute("CREATE TABLE IF NOT EXISTS journey_runs(journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL, entry INTEGER NOT NULL,"
        + " version INTEGER NOT NULL, step VARCHAR NOT NULL, due_at TIMESTAMP, attempts INTEGER NOT NULL, entered_at TIMESTAMP NOT NULL)");
    s.execute("CREATE TABLE IF NOT EXISTS journey_steps(journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL, entry INTEGER NOT NULL,"
        + " step VARCHAR NOT NULL, outcome VARCHAR NOT NULL, reason VARCHAR, ts TIMESTAMP NOT NULL)");
    // Added after the first slice: when a run reached its step (a wait for a rule times out from there).
    s.execute("ALTER TABLE journey_runs ADD COLUMN IF NOT EXISTS step_since TIMESTAMP");
    // The id of the event that caused the run (event triggers), so a catch-up after a crash enters no event twice.
    s.execute("ALTER TABLE journey_runs ADD COLUMN IF NOT EXISTS cause VARCHAR");
    s.execute("CREATE TABLE IF NOT EXISTS journey_states(journey VARCHAR NOT NULL, paused BOOLEAN NOT NULL, last_fired TIMESTAMP)");
    s.execute("CREATE TABLE IF NOT EXISTS journey_sends(key VARCHAR NOT NULL, journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL,"
        + " channel VARCHAR NOT NULL, state VARCHAR NOT NULL, claimed_at TIMESTAMP NOT NULL, sent_at TIMESTAMP)");
    // Segment triggers: the members each journey last saw, and of which segment (a changed trigger starts afresh).
    s.execute("CREATE TABLE IF NOT EXISTS journey_members(journey VARCHAR NOT NULL, profile_id VARCHAR NOT NULL)");
    s.execute("ALTER TABLE journey_states ADD COLUMN IF NOT EXISTS watched VARCHAR");
  }

  @Override
  public Map<String, Entries> entries(String journey, Collection<String> profileIds) {
    return batches.entries(journey, profileIds, id -> entries(journey, id));
  }

  @Override
  public void enter(List<Entry> entries, List<Membership> memberships) {
    batches.enter(entries, memberships);
  }

  @Override
  public Optional<String> watched(String journey) {
    return batches.watched(journey);
  }

  @Override
  public void watch(String journey, String segment, Collection<String> members) {
    batches.watch(journey, segment, members);
  }

  @Override
  public Set<String> members(String journey, Collection<String> profileIds) {
    return batches.members(journey, profileIds);
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
  public List<Missed> missed(String journey, String eventType, Instant since) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT e.event_id, p.profile_id FROM events e JOIN profiles p ON p.pkey = e.pkey"
          + " WHERE e.type = ? AND e.ts >= ? AND NOT EXISTS (SELECT 1 FROM journey_runs r WHERE r.journey = ? AND r.cause = e.event_id)"
          + " ORDER BY e.ts, e.event_id")) {
        ps.setString(1, eventType);
        ps.setObject(2, ldt(since));
        ps.setString(3, journey);
        List<Missed> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Missed(rs.getString(1), rs.getString(2)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not find the events journey " + journey + " may have missed: ", e);
      }
    }
  }

  @Override
  public void enter(Run run, StepRecord entered, String cause) {
    enter(List.of(new Entry(run, entered, cause)), List.of());
  }

  @Override
  public List<Run> due(Instant now, int limit) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement(RUNS + "WHERE due_at IS NOT NULL AND due_at <= ?"
          + " AND journey NOT IN (SELECT journey FROM journey_states WHERE paused) ORDER BY due_at, journey, profile_id LIMIT ?")) {
        ps.setObject(1, ldt(now));
        ps.setInt(2, limit);
        return runs(ps);
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the due journey steps: ", e);
      }
    }
  }

  @Override
  public List<Run> runs(String journey, String profileId) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement(RUNS + "WHERE journey = ? AND profile_id = ? ORDER BY entry")) {
        ps.setString(1, journey);
        ps.setString(2, profileId);
        return runs(ps);
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the runs of journey " + journey + ": ", e);
      }
    }
  }

  private static final String RUNS = "SELECT journey, profile_id, entry, version, step, due_at, attempts, COALESCE(step_since, entered_at), entered_at FROM journey_runs ";
  /** The runs {@code ps} answers, selected as {@link #RUNS} selects them (a {@link Run}'s nine values in its order). */
  private static List<Run> runs(PreparedStatement ps) throws SQLException {
    List<Run> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Run(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
            instant(rs.getObject(6, LocalDateTime.class)), rs.getInt(7), instant(rs.getObject(8, LocalDateTime.class)),
            instant(rs.getObject(9, LocalDateTime.class))));
      }
    }
    return out;
  }

  @Override
  public void move(Run run, String step, Instant dueAt, StepRecord record) {
    apply(List.of(new Moved(run, step, dueAt, record)));
  }

  @Override
  public void end(Run run, StepRecord record) {
    apply(List.of(new Ended(run, record)));
  }

  @Override
  public void retry(Run run, Instant dueAt) {
    apply(List.of(new Retried(run, dueAt)));
  }

  @Override
  public void postpone(Run run, Instant dueAt) {
    apply(List.of(new Postponed(run, dueAt)));
  }

  @Override
  public void apply(List<Change> changes) {
    if (!changes.isEmpty()) {
      write(() -> writeChanges(changes));
    }
  }

  @Override
  public void claim(List<Change> before, String key, String journey, String profileId, String channel, Instant at) {
    write(() -> {
      writeChanges(before);
      insertClaim(key, journey, profileId, channel, at);
    });
  }

  @Override
  public void claim(List<Change> before, List<Claim> claims) {
    if (before.isEmpty() && claims.isEmpty()) {
      return;
    }
    write(() -> {
      writeChanges(before);
      if (claims.size() > FEW) {
        sends.claim(claims);
      } else {
        for (Claim c : claims) {
          insertClaim(c.key(), c.journey(), c.profileId(), c.channel(), c.at());
        }
      }
    });
  }

  @Override
  public Map<String, SendState> sends(Collection<String> keys) {
    return sends.states(keys);
  }

  @Override
  public void sent(Collection<String> keys, Instant at) {
    if (!keys.isEmpty()) {
      write(() -> sends.sent(keys, at));
      notes.marked(keys);
    }
  }

  @Override
  public void delivered(String key) {
    notes.note(key);
  }

  /**
   * Marks sent the keys noted as delivered before the process stopped (between a round's delivery and its mark), so
   * the restart does not deliver them again; run once when the store opens for writing, before any journey runs.
   */
  int markNotedDeliveries(Instant at) {
    List<String> keys = notes.keys();
    if (!keys.isEmpty()) {
      write(() -> sends.sent(keys, at));
    }
    notes.clear();
    return keys.size();
  }

  void closeNotes() {
    notes.close();
  }

  @Override
  public Map<String, List<Instant>> sentTimes(Collection<String> profileIds, String channel, Instant since) {
    return sends.sentTimes(profileIds, channel, since);
  }

  /** Up to this many claims, statements one by one: a temporary table costs more than it saves. */
  private static final int FEW = 16;

  private void writeChanges(List<Change> changes) throws SQLException {
    sends.write(changes);
  }

  @Override
  public boolean paused(String journey) {
    return states.paused(journey);
  }

  @Override
  public void pause(String journey, boolean paused) {
    states.pause(journey, paused);
  }

  @Override
  public Optional<Instant> lastFired(String journey) {
    return states.lastFired(journey);
  }

  @Override
  public void fired(String journey, Instant at) {
    states.fired(journey, at);
  }

  /**
   * Every entry with its held-out and goal flags (from the step records) and the net revenue of the profile's orders
   * less its returns from entry to entry + window, in one grouped query over the events of the journey's profiles.
   */
  @Override
  public List<Outcome> outcomes(String journey, Duration window) {
    String revenue = db.schema.property("revenue").isPresent() ? "e.revenue" : "0";
    String value = db.schema.property("value").isPresent() ? "e.value" : "0";
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("WITH r AS (SELECT profile_id, entry, entered_at, due_at IS NOT NULL AS running"
          + " FROM journey_runs WHERE journey = ?),"
          + " s AS (SELECT profile_id, entry, bool_or(outcome = 'held_out') AS held_out, bool_or(outcome = 'goal') AS goal FROM journey_steps"
          + " WHERE journey = ? GROUP BY ALL),"
          + " m AS (SELECT r.profile_id, r.entry, sum(CASE WHEN e.type = 'order' THEN COALESCE(" + revenue + ", 0)"
          + " WHEN e.type = 'return' THEN -COALESCE(" + value + ", 0) ELSE 0 END) AS net,"
          + " count(*) FILTER (WHERE e.type = 'order') AS orders FROM r JOIN profiles p ON p.profile_id = r.profile_id"
          + " JOIN events e ON e.pkey = p.pkey AND e.type IN ('order', 'return') AND e.ts >= r.entered_at AND e.ts < r.entered_at + ?::INTERVAL"
          + " GROUP BY ALL)"
          + " SELECT r.profile_id, r.entry, r.entered_at, r.running, COALESCE(s.held_out, false), COALESCE(s.goal, false), COALESCE(m.net, 0),"
          + " COALESCE(m.orders, 0)"
          + " FROM r LEFT JOIN s USING (profile_id, entry) LEFT JOIN m USING (profile_id, entry) ORDER BY r.entered_at, r.profile_id, r.entry")) {
        ps.setString(1, journey);
        ps.setString(2, journey);
        ps.setString(3, window.toSeconds() + " seconds");
        List<Outcome> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Outcome(rs.getString(1), rs.getInt(2), instant(rs.getObject(3, LocalDateTime.class)), rs.getBoolean(4), rs.getBoolean(5),
                rs.getBoolean(6), rs.getInt(8), rs.getDouble(7)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not measure journey " + journey + ": ", e);
      }
    }
  }

  private void insert(StepRecord r) throws SQLException {
    insert(db, r);
  }

  static void insert(Db db, StepRecord r) throws SQLException {
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
    write(() -> insertClaim(key, journey, profileId, channel, at));
  }

  private void insertClaim(String key, String journey, String profileId, String channel, Instant at) throws SQLException {
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
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT step || '/' || outcome || CASE WHEN outcome = 'skipped'"
          + " THEN ' (' || COALESCE(reason, '') || ')' ELSE '' END, count(*) FROM journey_steps WHERE journey = ?"
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
  interface Write {
    void run() throws SQLException;
  }

  private void write(Write w) {
    write(db, w);
  }

  /** One transaction under the store's lock. */
  static void write(Db db, Write w) {
    synchronized (db) {
      db.transaction(() -> {
        w.run();
        return null;
      });
    }
  }

  static LocalDateTime ldt(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(LocalDateTime t) {
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }
}
