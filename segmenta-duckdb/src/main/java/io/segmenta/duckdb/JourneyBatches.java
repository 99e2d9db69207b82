package io.segmenta.duckdb;

import static io.segmenta.duckdb.JourneyTable.instant;
import static io.segmenta.duckdb.JourneyTable.ldt;

import io.segmenta.core.journey.JourneyLog.Entries;
import io.segmenta.core.journey.JourneyLog.Entry;
import io.segmenta.core.journey.JourneyLog.Membership;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;

/**
 * The journey log's batch work ({@link JourneyTable} delegates): entries of many profiles read in one query, runs,
 * their records and kept memberships written in one transaction through appenders into temporary tables, and each
 * segment-triggered journey's kept copy of its segment's members ({@code journey_members}). A few rows go one
 * statement each.
 */
final class JourneyBatches {
  private final Db db;

  JourneyBatches(Db db) {
    this.db = db;
  }

  /** Read in one query, the profiles staged in a temporary table (a list of 100,000 would not fit a statement). */
  Map<String, Entries> entries(String journey, Collection<String> profileIds, Function<String, Entries> one) {
    Map<String, Entries> out = new HashMap<>();
    if (profileIds.size() <= FEW) {
      for (String id : profileIds) {
        Entries e = one.apply(id);
        if (e.count() > 0) {
          out.put(id, e);
        }
      }
      return out;
    }
    synchronized (db) {
      try {
        stageIds(profileIds);
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT r.profile_id, count(*), max(r.entered_at), count(r.due_at) FROM journey_runs r"
            + " JOIN s_jids USING (profile_id) WHERE r.journey = ? GROUP BY r.profile_id")) {
          ps.setString(1, journey);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), new Entries(rs.getInt(2), instant(rs.getObject(3, LocalDateTime.class)), rs.getInt(4) > 0));
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the entries of journey " + journey + ": ", e);
      }
    }
  }

  /** Up to this many rows, statements one by one: a temporary table costs more than it saves. */
  private static final int FEW = 16;

  private void stageIds(Collection<String> profileIds) throws SQLException {
    try (Statement st = db.conn.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE s_jids(profile_id VARCHAR)");
    }
    try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_jids")) {
      for (String id : new HashSet<>(profileIds)) {
        a.beginRow().append(id).endRow();
      }
    }
  }

  /**
   * Stages the runs, their records and the memberships with appenders, then moves them in one transaction: a batch of
   * thousands costs a few statements, and a crash leaves all of it or none (the catch-up makes what it lost).
   */
  void enter(List<Entry> entries, List<Membership> memberships) {
    if (entries.isEmpty() && memberships.isEmpty()) {
      return;
    }
    if (entries.size() + memberships.size() <= FEW) {
      write(() -> enterFew(entries, memberships));
      return;
    }
    write(() -> {
      try (Statement st = db.conn.createStatement()) {
        st.execute("CREATE OR REPLACE TEMP TABLE s_jruns AS SELECT journey, profile_id, entry, version, step, due_at, attempts, entered_at,"
            + " step_since, cause FROM journey_runs LIMIT 0");
        st.execute("CREATE OR REPLACE TEMP TABLE s_jsteps AS SELECT * FROM journey_steps LIMIT 0");
        st.execute("CREATE OR REPLACE TEMP TABLE s_jmembers(seq BIGINT, journey VARCHAR, profile_id VARCHAR, member BOOLEAN)");
      }
      try (DuckDBAppender r = db.conn.createAppender("temp", "main", "s_jruns");
          DuckDBAppender s = db.conn.createAppender("temp", "main", "s_jsteps")) {
        for (Entry e : entries) {
          Run run = e.run();
          LocalDateTime at = ldt(e.entered().at());
          r.beginRow().append(run.journey()).append(run.profileId()).append(run.entry()).append(run.version()).append(run.step())
              .append(ldt(run.dueAt())).append(0).append(at).append(at).append(e.cause()).endRow();
          StepRecord x = e.entered();
          s.beginRow().append(x.journey()).append(x.profileId()).append(x.entry()).append(x.step()).append(x.outcome()).append(x.reason())
              .append(ldt(x.at())).endRow();
        }
      }
      try (DuckDBAppender m = db.conn.createAppender("temp", "main", "s_jmembers")) {
        long seq = 0;
        for (Membership x : memberships) {
          m.beginRow().append(seq++).append(x.journey()).append(x.profileId()).append(x.member()).endRow();
        }
      }
      try (Statement st = db.conn.createStatement()) {
        st.execute("INSERT INTO journey_runs(journey, profile_id, entry, version, step, due_at, attempts, entered_at, step_since, cause)"
            + " SELECT * FROM s_jruns");
        st.execute("INSERT INTO journey_steps SELECT * FROM s_jsteps");
        if (!memberships.isEmpty()) {
          // The last change of each (journey, profile) decides; the kept row is removed, then added back if a member.
          st.execute("DELETE FROM journey_members m WHERE EXISTS (SELECT 1 FROM s_jmembers s WHERE s.journey = m.journey"
              + " AND s.profile_id = m.profile_id)");
          st.execute("INSERT INTO journey_members SELECT journey, profile_id FROM s_jmembers"
              + " QUALIFY row_number() OVER (PARTITION BY journey, profile_id ORDER BY seq DESC) = 1 AND member");
        }
        st.execute("DROP TABLE s_jruns");
        st.execute("DROP TABLE s_jsteps");
        st.execute("DROP TABLE s_jmembers");
      }
    });
  }

  /** The same writes as a batch, one statement a row (inside the caller's transaction). */
  private void enterFew(List<Entry> entries, List<Membership> memberships) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_runs(journey, profile_id, entry, version, step, due_at, attempts,"
        + " entered_at, step_since, cause) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")) {
      for (Entry e : entries) {
        Run run = e.run();
        ps.setString(1, run.journey());
        ps.setString(2, run.profileId());
        ps.setInt(3, run.entry());
        ps.setInt(4, run.version());
        ps.setString(5, run.step());
        ps.setObject(6, ldt(run.dueAt()));
        ps.setObject(7, ldt(e.entered().at()));
        ps.setObject(8, ldt(e.entered().at()));
        ps.setString(9, e.cause());
        ps.executeUpdate();
        JourneyTable.insert(db, e.entered());
      }
    }
    try (PreparedStatement del = db.conn.prepareStatement("DELETE FROM journey_members WHERE journey = ? AND profile_id = ?");
        PreparedStatement add = db.conn.prepareStatement("INSERT INTO journey_members VALUES (?, ?)")) {
      for (Membership m : memberships) {
        del.setString(1, m.journey());
        del.setString(2, m.profileId());
        del.executeUpdate();
        if (m.member()) {
          add.setString(1, m.journey());
          add.setString(2, m.profileId());
          add.executeUpdate();
        }
      }
    }
  }

  Optional<String> watched(String journey) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT max(watched) FROM journey_states WHERE journey = ?")) {
        ps.setString(1, journey);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return Optional.ofNullable(rs.getString(1));
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the segment journey " + journey + " watches: ", e);
      }
    }
  }

  void watch(String journey, String segment, Collection<String> members) {
    write(() -> {
      try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_states(journey, paused, last_fired) SELECT ?, false, NULL"
          + " WHERE NOT EXISTS (SELECT 1 FROM journey_states WHERE journey = ?)")) {
        ps.setString(1, journey);
        ps.setString(2, journey);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM journey_members WHERE journey = ?")) {
        ps.setString(1, journey);
        ps.executeUpdate();
      }
      try (Statement st = db.conn.createStatement()) {
        st.execute("CREATE OR REPLACE TEMP TABLE s_jmembers(profile_id VARCHAR)");
      }
      try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_jmembers")) {
        for (String id : members) {
          a.beginRow().append(id).endRow();
        }
      }
      try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO journey_members SELECT DISTINCT ?, profile_id FROM s_jmembers")) {
        ps.setString(1, journey);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = db.conn.prepareStatement("UPDATE journey_states SET watched = ? WHERE journey = ?")) {
        ps.setString(1, segment);
        ps.setString(2, journey);
        ps.executeUpdate();
      }
      try (Statement st = db.conn.createStatement()) {
        st.execute("DROP TABLE s_jmembers");
      }
    });
  }

  Set<String> members(String journey, Collection<String> profileIds) {
    Set<String> out = new HashSet<>();
    if (profileIds != null && profileIds.size() <= FEW) {
      synchronized (db) {
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT 1 FROM journey_members WHERE journey = ? AND profile_id = ?")) {
          for (String id : profileIds) {
            ps.setString(1, journey);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                out.add(id);
              }
            }
          }
          return out;
        } catch (SQLException e) {
          throw SqlFailures.of("could not read the members journey " + journey + " keeps: ", e);
        }
      }
    }
    synchronized (db) {
      try {
        if (profileIds != null) {
          stageIds(profileIds);
        }
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT m.profile_id FROM journey_members m"
            + (profileIds == null ? "" : " JOIN s_jids USING (profile_id)") + " WHERE m.journey = ?")) {
          ps.setString(1, journey);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the members journey " + journey + " keeps: ", e);
      }
    }
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
}
