package io.segmenta.duckdb;

import io.segmenta.core.UserException;
import io.segmenta.core.history.Destination;
import io.segmenta.core.history.Flow;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.history.SegmentHistory;
import io.segmenta.core.history.SizePoint;
import io.segmenta.core.history.Stay;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.Rules;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.sql.SqlCompiler;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Membership history as enter and exit intervals ({@code membership_intervals}: segment, profile key, entered, left,
 * and the cause of each end), one row per stay; {@code history_runs} records each recompute of a batch segment,
 * {@code segment_backfill} the sizes computed from the events before a segment's history began. Takes the store's
 * lock ({@link Db}).
 *
 * <p>Why intervals: a daily snapshot stores every member every day (size times days); a stay is one row however
 * long it lasts, so storage grows with the changes (docs/BENCHMARKS.md, "Membership history"). "Who was in X at t"
 * is then {@code entered <= t < left}, and a size series is one range join of the stays with the instants.
 */
final class MembershipIntervals implements SegmentHistory {
  /** Instants per sizes-from-events query: each adds FILTER-ed columns to the same scan. */
  static final int INSTANTS_PER_SCAN = 100;

  private final Db db;

  MembershipIntervals(Db db) {
    this.db = db;
  }

  static void create(DdlScript s) {
    s.execute("CREATE TABLE IF NOT EXISTS membership_intervals(segment VARCHAR NOT NULL, pkey BIGINT NOT NULL, entered TIMESTAMP NOT NULL,"
        + " left_at TIMESTAMP, enter_cause VARCHAR NOT NULL, exit_cause VARCHAR)");
    s.execute("CREATE TABLE IF NOT EXISTS history_runs(segment VARCHAR NOT NULL, run_at TIMESTAMP NOT NULL, members BIGINT NOT NULL,"
        + " entered BIGINT NOT NULL, left_count BIGINT NOT NULL)");
    s.execute("CREATE TABLE IF NOT EXISTS segment_backfill(segment VARCHAR NOT NULL, size_at TIMESTAMP NOT NULL, size BIGINT NOT NULL, PRIMARY KEY (segment, size_at))");
  }

  private static LocalDateTime ts(Instant t) {
    return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    LocalDateTime t = rs.getObject(col, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }

  /** A timestamp literal (instants come from Java, never from text a user typed). */
  private static String literal(Instant t) {
    return "TIMESTAMP '" + Timestamp.valueOf(ts(t)) + "'";
  }

  /** Applies real-time changes to the stays, in order, inside the caller's transaction. */
  void apply(List<MembershipChange> changes) throws SQLException {
    try (PreparedStatement enter = db.conn.prepareStatement("INSERT INTO membership_intervals SELECT ?, p.pkey, ?, NULL, ?, NULL FROM profiles p"
        + " WHERE p.profile_id = ? AND NOT EXISTS (SELECT 1 FROM membership_intervals m WHERE m.segment = ? AND m.pkey = p.pkey AND m.left_at IS NULL)");
        PreparedStatement exit = db.conn.prepareStatement("UPDATE membership_intervals SET left_at = ?, exit_cause = ? WHERE segment = ? AND left_at IS NULL"
            + " AND pkey IN (SELECT pkey FROM profiles WHERE profile_id = ?)")) {
      for (MembershipChange c : changes) {
        if (c.entered()) {
          enter.setString(1, c.segment());
          enter.setObject(2, ts(c.at()));
          enter.setString(3, c.cause());
          enter.setString(4, c.profileId());
          enter.setString(5, c.segment());
          enter.executeUpdate();
        } else {
          exit.setObject(1, ts(c.at()));
          exit.setString(2, c.cause());
          exit.setString(3, c.segment());
          exit.setString(4, c.profileId());
          exit.executeUpdate();
        }
      }
    }
  }

  @Override
  public List<Recomputed> recompute(Map<String, Rule> segments, Instant at, Set<String> editedSince) {
    if (segments.isEmpty()) {
      return List.of();
    }
    synchronized (db) {
      List<String> names = new ArrayList<>(segments.keySet());
      return db.transaction(() -> {
        List<Recomputed> out = new ArrayList<>();
        try (Statement st = db.conn.createStatement()) {
          // Every segment's membership at once: one grouped scan per event table, a bit per segment.
          SqlCompiler.SqlQuery masks = db.compiler().membershipMasks(names.stream().map(segments::get).toList(), at, List.of(), List.of());
          st.execute("CREATE OR REPLACE TEMP TABLE _hist_now AS " + LiteralSql.inline(masks));
          for (int i = 0; i < names.size(); i++) {
            out.add(recordOne(st, names.get(i), segments.get(names.get(i)), "(_sm" + (i / SqlCompiler.MASK_BITS) + " & "
                + (1L << (i % SqlCompiler.MASK_BITS)) + ") <> 0", at, editedSince.contains(names.get(i))));
          }
          for (String t : List.of("_hist_now", "_hist_in", "_hist_moved")) {
            st.execute("DROP TABLE IF EXISTS temp.main." + t);
          }
        }
        return out;
      });
    }
  }

  /**
   * Records one segment's difference: who is in now ({@code member} over {@code _hist_now}) against its open stays.
   * The cause of a move is the person's latest event since the previous recompute among the event types the rule
   * reads (an order can move "ordered in the last 30 days"; a page view cannot), else {@code time}: a window passed
   * (or a trait changed, which is no event).
   */
  private Recomputed recordOne(Statement st, String name, Rule rule, String member, Instant at, boolean edited) throws SQLException {
    Instant prev = lastRecomputeLocked(name);
    if (prev != null && at.isBefore(prev)) {
      throw new UserException("cannot recompute '" + name + "' as of " + at + ": its history was last recomputed as of " + prev
          + ", and a history only moves forward");
    }
    st.execute("CREATE OR REPLACE TEMP TABLE _hist_in AS SELECT pkey FROM _hist_now WHERE " + member);
    String open = "(SELECT pkey FROM membership_intervals WHERE segment = " + LiteralSql.literal(name) + " AND left_at IS NULL)";
    st.execute("CREATE OR REPLACE TEMP TABLE _hist_moved AS SELECT pkey, true AS entering, CAST(NULL AS VARCHAR) AS cause FROM _hist_in WHERE pkey NOT IN " + open
        + " UNION ALL SELECT pkey, false, NULL FROM " + open + " WHERE pkey NOT IN (SELECT pkey FROM _hist_in)");
    String fixed = edited ? "rule" : prev == null && !hasStays(name) ? "start" : null;
    if (fixed != null) {
      st.execute("UPDATE _hist_moved SET cause = " + LiteralSql.literal(fixed));
    } else {
      Set<String> types = eventTypes(rule);
      if (!types.isEmpty()) {
        StringBuilder in = new StringBuilder();
        for (String t : types) {
          in.append(in.length() > 0 ? ", " : "").append(LiteralSql.literal(t));
        }
        Instant from = prev == null ? at.minus(1, ChronoUnit.DAYS) : prev;
        st.execute("UPDATE _hist_moved SET cause = r.ev FROM (SELECT e.pkey, arg_max(e.event_id, e.ts) AS ev FROM events e WHERE e.pkey IN (SELECT pkey FROM _hist_moved)"
            + " AND e.type IN (" + in + ") AND e.ts > " + literal(from) + " AND e.ts <= " + literal(at) + " GROUP BY e.pkey) r WHERE r.pkey = _hist_moved.pkey");
      }
      st.execute("UPDATE _hist_moved SET cause = 'time' WHERE cause IS NULL");
    }
    long left;
    try (PreparedStatement ps = db.conn.prepareStatement("UPDATE membership_intervals SET left_at = ?, exit_cause = m.cause FROM _hist_moved m"
        + " WHERE NOT m.entering AND m.pkey = membership_intervals.pkey AND membership_intervals.segment = ? AND membership_intervals.left_at IS NULL")) {
      ps.setObject(1, ts(at));
      ps.setString(2, name);
      left = ps.executeUpdate();
    }
    long entered;
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO membership_intervals SELECT ?, m.pkey, ?, NULL, m.cause, NULL FROM _hist_moved m WHERE m.entering")) {
      ps.setString(1, name);
      ps.setObject(2, ts(at));
      entered = ps.executeUpdate();
    }
    long members = Db.scalar(st, "SELECT count(*) FROM _hist_in");
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO history_runs VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, name);
      ps.setObject(2, ts(at));
      ps.setLong(3, members);
      ps.setLong(4, entered);
      ps.setLong(5, left);
      ps.executeUpdate();
    }
    return new Recomputed(name, at, members, entered, left);
  }

  /** The types of the events table a rule's aggregates read, through computed traits and saved segments. */
  private Set<String> eventTypes(Rule rule) {
    Set<String> out = new TreeSet<>();
    Rules.leaves(rule, db.resolver(), leaf -> {
      if (leaf instanceof Rule.MeasureRule m) {
        addTypes(m.measure(), out);
      } else if (leaf instanceof Rule.Field f) {
        ComputedTraits.definition(f.path()).ifPresent(x -> addTypes(x, out));
      }
    });
    return out;
  }

  private void addTypes(Measure m, Set<String> out) {
    if (m instanceof Measure.Ratio r) {
      addTypes(r.numerator(), out);
      addTypes(r.denominator(), out);
    } else if (m instanceof Measure.Difference d) {
      addTypes(d.left(), out);
      addTypes(d.right(), out);
    } else if (m instanceof Measure.Aggregate a) {
      // Order lines come from order events: a line aggregate moves with an order.
      boolean derived = db.schema.eventType(a.eventType()).map(EventTypeDef::derived).orElse(false);
      out.add(derived ? "order" : a.eventType());
    }
  }

  private boolean hasStays(String segment) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("SELECT count(*) FROM membership_intervals WHERE segment = ? LIMIT 1")) {
      ps.setString(1, segment);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private Instant lastRecomputeLocked(String segment) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("SELECT max(run_at) FROM history_runs WHERE segment = ?")) {
      ps.setString(1, segment);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return instant(rs, 1);
      }
    }
  }

  @Override
  public Optional<Instant> lastRecompute(String segment) {
    return instantOf("SELECT max(run_at) FROM history_runs WHERE segment = ?", segment, "could not read the last recompute of '" + segment + "': ");
  }

  @Override
  public Optional<Instant> historySince(String segment) {
    return instantOf("SELECT least((SELECT min(entered) FROM membership_intervals WHERE segment = ?1), (SELECT min(run_at) FROM history_runs WHERE segment = ?1))",
        segment, "could not read the history of '" + segment + "': ");
  }

  private Optional<Instant> instantOf(String sql, String segment, String failure) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
        ps.setString(1, segment);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return Optional.ofNullable(instant(rs, 1));
        }
      } catch (SQLException e) {
        throw SqlFailures.of(failure, e);
      }
    }
  }

  @Override
  public List<String> membersAt(String segment, Instant at, long offset, int limit) {
    synchronized (db) {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT p.profile_id FROM membership_intervals m JOIN profiles p ON p.pkey = m.pkey"
          + " WHERE m.segment = ? AND m.entered <= ? AND (m.left_at IS NULL OR m.left_at > ?) ORDER BY p.profile_id LIMIT ? OFFSET ?")) {
        ps.setString(1, segment);
        ps.setObject(2, ts(at));
        ps.setObject(3, ts(at));
        ps.setInt(4, limit);
        ps.setLong(5, offset);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the members of '" + segment + "' at " + at + ": ", e);
      }
    }
  }

  @Override
  public List<SizePoint> sizes(String segment, List<Instant> at) {
    if (at.isEmpty()) {
      return List.of();
    }
    Optional<Instant> since = historySince(segment);
    synchronized (db) {
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < at.size(); i++) {
        values.append(i > 0 ? ", " : "").append("(").append(i).append(", ").append(literal(at.get(i))).append(")");
      }
      long[] counted = new long[at.size()];
      long[] backfilled = new long[at.size()];
      Arrays.fill(backfilled, -1);
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT d.i, count(m.pkey) FROM (VALUES " + values + ") d(i, t)"
          + " LEFT JOIN membership_intervals m ON m.segment = ? AND m.entered <= d.t AND (m.left_at IS NULL OR m.left_at > d.t) GROUP BY d.i");
          PreparedStatement bf = db.conn.prepareStatement("SELECT d.i, arg_max(b.size, b.size_at) FROM (VALUES " + values + ") d(i, t)"
              + " JOIN segment_backfill b ON b.segment = ? AND b.size_at <= d.t AND b.size_at > d.t - INTERVAL 1 DAY GROUP BY d.i")) {
        ps.setString(1, segment);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counted[rs.getInt(1)] = rs.getLong(2);
          }
        }
        bf.setString(1, segment);
        try (ResultSet rs = bf.executeQuery()) {
          while (rs.next()) {
            backfilled[rs.getInt(1)] = rs.getLong(2);
          }
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the sizes of '" + segment + "': ", e);
      }
      List<SizePoint> out = new ArrayList<>();
      for (int i = 0; i < at.size(); i++) {
        Instant t = at.get(i);
        if (since.isPresent() && !t.isBefore(since.get())) {
          out.add(new SizePoint(t, counted[i], SizePoint.Source.HISTORY));
        } else if (backfilled[i] >= 0) {
          out.add(new SizePoint(t, backfilled[i], SizePoint.Source.BACKFILL));
        } else {
          out.add(new SizePoint(t, -1, SizePoint.Source.NONE));
        }
      }
      return out;
    }
  }

  @Override
  public List<Flow> flows(String segment, List<Instant> boundaries) {
    if (boundaries.size() < 2) {
      return List.of();
    }
    synchronized (db) {
      StringBuilder values = new StringBuilder();
      for (int i = 0; i + 1 < boundaries.size(); i++) {
        values.append(i > 0 ? ", " : "").append("(").append(i).append(", ").append(literal(boundaries.get(i))).append(", ")
            .append(literal(boundaries.get(i + 1))).append(")");
      }
      long[] in = new long[boundaries.size() - 1];
      long[] out = new long[boundaries.size() - 1];
      // The stays a segment's history starts with are no inflow: they were there before it was watched.
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT d.i, count(*) FILTER (WHERE m.entered >= d.f AND m.entered < d.u AND m.enter_cause <> 'start'),"
          + " count(*) FILTER (WHERE m.left_at >= d.f AND m.left_at < d.u) FROM (VALUES " + values + ") d(i, f, u)"
          + " JOIN membership_intervals m ON m.segment = ? AND ((m.entered >= d.f AND m.entered < d.u) OR (m.left_at >= d.f AND m.left_at < d.u)) GROUP BY d.i")) {
        ps.setString(1, segment);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            in[rs.getInt(1)] = rs.getLong(2);
            out[rs.getInt(1)] = rs.getLong(3);
          }
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the flows of '" + segment + "': ", e);
      }
      List<Flow> flows = new ArrayList<>();
      for (int i = 0; i + 1 < boundaries.size(); i++) {
        flows.add(new Flow(boundaries.get(i), boundaries.get(i + 1), in[i], out[i]));
      }
      return flows;
    }
  }

  @Override
  public List<Destination> destinations(String segment, Instant from, Instant until) {
    synchronized (db) {
      List<Destination> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("WITH l AS (SELECT pkey, left_at FROM membership_intervals WHERE segment = ?1 AND left_at >= ?2 AND left_at < ?3)"
          + " SELECT o.segment, count(DISTINCT (l.pkey, l.left_at)) AS n FROM l LEFT JOIN membership_intervals o ON o.pkey = l.pkey AND o.segment <> ?1"
          + " AND o.entered <= l.left_at AND (o.left_at IS NULL OR o.left_at > l.left_at) GROUP BY o.segment ORDER BY n DESC, o.segment NULLS LAST")) {
        ps.setString(1, segment);
        ps.setObject(2, ts(from));
        ps.setObject(3, ts(until));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Destination(rs.getString(1), rs.getLong(2)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read where the leavers of '" + segment + "' went: ", e);
      }
    }
  }

  @Override
  public List<Stay> stays(String profileId, String segment) {
    synchronized (db) {
      List<Stay> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT m.segment, p.profile_id, m.entered, m.left_at, m.enter_cause, m.exit_cause"
          + " FROM membership_intervals m JOIN profiles p ON p.pkey = m.pkey WHERE p.profile_id = ? AND (? IS NULL OR m.segment = ?) ORDER BY m.entered, m.segment")) {
        ps.setString(1, profileId);
        ps.setString(2, segment);
        ps.setString(3, segment);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Stay(rs.getString(1), rs.getString(2), instant(rs, 3), instant(rs, 4), rs.getString(5), rs.getString(6)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the stays of a profile: ", e);
      }
    }
  }

  @Override
  public List<Long> sizesFromEvents(Rule rule, List<Instant> at) {
    synchronized (db) {
      List<Long> out = new ArrayList<>();
      for (int from = 0; from < at.size(); from += INSTANTS_PER_SCAN) {
        List<Instant> chunk = at.subList(from, Math.min(at.size(), from + INSTANTS_PER_SCAN));
        SqlCompiler.SqlQuery q = db.compiler().sizesAt(rule, chunk);
        try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
          rs.next();
          for (int i = 0; i < chunk.size(); i++) {
            out.add(rs.getLong(i + 1));
          }
        } catch (SQLException e) {
          throw SqlFailures.of("could not compute past sizes: ", e);
        }
      }
      return out;
    }
  }

  @Override
  public void saveBackfill(String segment, Map<Instant, Long> sizes) {
    synchronized (db) {
      db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("INSERT OR REPLACE INTO segment_backfill VALUES (?, ?, ?)")) {
          for (Map.Entry<Instant, Long> e : sizes.entrySet()) {
            ps.setString(1, segment);
            ps.setObject(2, ts(e.getKey()));
            ps.setLong(3, e.getValue());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    }
  }

  @Override
  public void forget(String segment) {
    synchronized (db) {
      db.transaction(() -> {
        for (String table : List.of("membership_intervals", "history_runs", "segment_backfill")) {
          try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM " + table + " WHERE segment = ?")) {
            ps.setString(1, segment);
            ps.executeUpdate();
          }
        }
        return null;
      });
    }
  }
}
