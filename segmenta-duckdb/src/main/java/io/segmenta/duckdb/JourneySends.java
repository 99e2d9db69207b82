package io.segmenta.duckdb;

import static io.segmenta.duckdb.JourneyTable.instant;
import static io.segmenta.duckdb.JourneyTable.ldt;

import io.segmenta.core.journey.JourneyLog.Change;
import io.segmenta.core.journey.JourneyLog.Claim;
import io.segmenta.core.journey.JourneyLog.Ended;
import io.segmenta.core.journey.JourneyLog.Moved;
import io.segmenta.core.journey.JourneyLog.Postponed;
import io.segmenta.core.journey.JourneyLog.Retried;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.SendState;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * The journey log's work for a tick's chunk of runs ({@link JourneyTable} delegates): the states of many send keys and
 * the recent sends of many profiles read in one query per 1,000 (no index: each query is a scan whatever it asks for,
 * so one per person cost a scan per person), and the chunk's run changes, step records, claims and marks written
 * through appenders into temporary tables and moved with one statement each, inside the caller's transaction.
 */
final class JourneySends {
  /** Values bound in one {@code IN (...)} list. */
  private static final int CHUNK = 1_000;

  private final Db db;

  JourneySends(Db db) {
    this.db = db;
  }

  Map<String, SendState> states(Collection<String> keys) {
    Map<String, SendState> out = new HashMap<>();
    synchronized (db) {
      try {
        for (List<String> part : parts(keys)) {
          try (PreparedStatement ps = db.conn.prepareStatement("SELECT key, max(state) FROM journey_sends WHERE key IN (" + marks(part.size())
              + ") GROUP BY key")) {
            bind(ps, part, 1);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), SendState.valueOf(rs.getString(2)));
              }
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read " + keys.size() + " send keys: ", e);
      }
    }
  }

  Map<String, List<Instant>> sentTimes(Collection<String> profileIds, String channel, Instant since) {
    Map<String, List<Instant>> out = new HashMap<>();
    synchronized (db) {
      try {
        for (List<String> part : parts(profileIds)) {
          try (PreparedStatement ps = db.conn.prepareStatement("SELECT profile_id, sent_at FROM journey_sends WHERE channel = ? AND state = 'SENT'"
              + " AND sent_at >= ? AND profile_id IN (" + marks(part.size()) + ")")) {
            ps.setString(1, channel);
            ps.setObject(2, ldt(since));
            bind(ps, part, 3);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(instant(rs.getObject(2, LocalDateTime.class)));
              }
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the sends of channel " + channel + ": ", e);
      }
    }
  }

  /** Up to this many changes, statements one by one: temporary tables cost more than they save. */
  private static final int FEW = 16;

  /** Writes the changes in their order, inside the caller's transaction: one by one when few, else staged ({@link #apply}). */
  void write(List<Change> changes) throws SQLException {
    if (changes.size() > FEW) {
      apply(changes);
      return;
    }
    for (Change c : changes) {
      if (c instanceof Moved m) {
        update(m.run(), m.step(), m.dueAt(), 0, m.record().at());
        JourneyTable.insert(db, m.record());
      } else if (c instanceof Ended e) {
        update(e.run(), e.run().step(), null, e.run().attempts(), e.record().at());
        JourneyTable.insert(db, e.record());
      } else if (c instanceof Retried r) {
        update(r.run(), r.run().step(), r.dueAt(), r.run().attempts() + 1, r.run().since());
      } else {
        Postponed p = (Postponed) c;
        update(p.run(), p.run().step(), p.dueAt(), p.run().attempts(), p.run().since());
      }
    }
  }

  /** Moves a run; {@code step_since} changes only when the step does (the expressions of SET read the old row). */
  private void update(Run run, String step, Instant dueAt, int attempts, Instant now) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("UPDATE journey_runs SET step_since = CASE WHEN step = ? THEN COALESCE(step_since, entered_at)"
        + " ELSE ? END, step = ?, due_at = ?, attempts = ?, version = ? WHERE journey = ? AND profile_id = ? AND entry = ?")) {
      ps.setString(1, step);
      ps.setObject(2, now == null ? null : ldt(now));
      ps.setString(3, step);
      ps.setObject(4, dueAt == null ? null : ldt(dueAt));
      ps.setInt(5, attempts);
      ps.setInt(6, run.version());
      ps.setString(7, run.journey());
      ps.setString(8, run.profileId());
      ps.setInt(9, run.entry());
      ps.executeUpdate();
    }
  }

  /**
   * The changes, inside the caller's transaction: each run's row as its last change leaves it (computed here as the
   * one-row writes compute it: {@code step_since} moves only when the step does), and every step record in order.
   */
  private void apply(List<Change> changes) throws SQLException {
    Map<List<Object>, Object[]> rows = new LinkedHashMap<>();
    List<StepRecord> records = new ArrayList<>();
    for (Change c : changes) {
      if (c instanceof Moved m) {
        rows.put(id(m.run()), row(m.run(), m.step(), m.dueAt(), 0, m.step().equals(m.run().step()) ? m.run().since() : m.record().at()));
        records.add(m.record());
      } else if (c instanceof Ended e) {
        rows.put(id(e.run()), row(e.run(), e.run().step(), null, e.run().attempts(), e.run().since()));
        records.add(e.record());
      } else if (c instanceof Retried r) {
        rows.put(id(r.run()), row(r.run(), r.run().step(), r.dueAt(), r.run().attempts() + 1, r.run().since()));
      } else {
        Postponed p = (Postponed) c;
        rows.put(id(p.run()), row(p.run(), p.run().step(), p.dueAt(), p.run().attempts(), p.run().since()));
      }
    }
    try (Statement st = db.conn.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE s_jmoves(journey VARCHAR, profile_id VARCHAR, entry INTEGER, version INTEGER, step VARCHAR,"
          + " due_at TIMESTAMP, attempts INTEGER, step_since TIMESTAMP)");
      st.execute("CREATE OR REPLACE TEMP TABLE s_jrecs(seq BIGINT, journey VARCHAR, profile_id VARCHAR, entry INTEGER, step VARCHAR,"
          + " outcome VARCHAR, reason VARCHAR, ts TIMESTAMP)");
    }
    try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_jmoves")) {
      for (Object[] r : rows.values()) {
        a.beginRow().append((String) r[0]).append((String) r[1]).append((int) (Integer) r[2]).append((int) (Integer) r[3]).append((String) r[4]);
        time(a, (LocalDateTime) r[5]).append((int) (Integer) r[6]);
        time(a, (LocalDateTime) r[7]).endRow();
      }
    }
    try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_jrecs")) {
      long seq = 0;
      for (StepRecord x : records) {
        a.beginRow().append(seq++).append(x.journey()).append(x.profileId()).append(x.entry()).append(x.step()).append(x.outcome())
            .append(x.reason()).append(ldt(x.at())).endRow();
      }
    }
    try (Statement st = db.conn.createStatement()) {
      st.execute("UPDATE journey_runs r SET version = s.version, step = s.step, due_at = s.due_at, attempts = s.attempts, step_since = s.step_since"
          + " FROM s_jmoves s WHERE r.journey = s.journey AND r.profile_id = s.profile_id AND r.entry = s.entry");
      // A run's records of one tick share their time; the history orders them by row, so they go in in their order.
      st.execute("SET preserve_insertion_order = true");
      try {
        st.execute("INSERT INTO journey_steps SELECT journey, profile_id, entry, step, outcome, reason, ts FROM s_jrecs ORDER BY seq");
      } finally {
        st.execute("SET preserve_insertion_order = false");
      }
      st.execute("DROP TABLE s_jmoves");
      st.execute("DROP TABLE s_jrecs");
    }
  }

  private static DuckDBAppender time(DuckDBAppender a, LocalDateTime t) throws SQLException {
    return t == null ? a.appendNull() : a.append(t);
  }

  private static List<Object> id(Run r) {
    return List.of(r.journey(), r.profileId(), r.entry());
  }

  private static Object[] row(Run r, String step, Instant dueAt, int attempts, Instant since) {
    return new Object[] {r.journey(), r.profileId(), r.entry(), r.version(), step, dueAt == null ? null : ldt(dueAt), attempts,
        since == null ? null : ldt(since)};
  }

  /** The claims, inside the caller's transaction; a key claimed before keeps its row. */
  void claim(List<Claim> claims) throws SQLException {
    try (Statement st = db.conn.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE s_jclaims(key VARCHAR, journey VARCHAR, profile_id VARCHAR, channel VARCHAR, claimed_at TIMESTAMP)");
    }
    try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_jclaims")) {
      for (Claim c : claims) {
        a.beginRow().append(c.key()).append(c.journey()).append(c.profileId()).append(c.channel()).append(ldt(c.at())).endRow();
      }
    }
    try (Statement st = db.conn.createStatement()) {
      st.execute("INSERT INTO journey_sends SELECT key, any_value(journey), any_value(profile_id), any_value(channel), 'PENDING', min(claimed_at), NULL"
          + " FROM s_jclaims c WHERE NOT EXISTS (SELECT 1 FROM journey_sends j WHERE j.key = c.key) GROUP BY key");
      st.execute("DROP TABLE s_jclaims");
    }
  }

  /** Marks the keys sent, inside the caller's transaction. */
  void sent(Collection<String> keys, Instant at) throws SQLException {
    for (List<String> part : parts(keys)) {
      try (PreparedStatement ps = db.conn.prepareStatement("UPDATE journey_sends SET state = 'SENT', sent_at = ? WHERE key IN (" + marks(part.size()) + ")")) {
        ps.setObject(1, ldt(at));
        bind(ps, part, 2);
        ps.executeUpdate();
      }
    }
  }

  private static List<List<String>> parts(Collection<String> values) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(values));
    List<List<String>> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      out.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
    }
    return out;
  }

  private static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static void bind(PreparedStatement ps, List<String> values, int first) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      ps.setString(first + i, values.get(i));
    }
  }
}
