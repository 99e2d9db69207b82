package io.segmenta.duckdb;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.port.WriteResult;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;

/**
 * Writes of profiles and events: rows are staged through DuckDB's appender into temporary tables and then moved in
 * one transaction with anti-joins on event ids, which makes every write atomic and idempotent; the kept aggregates
 * follow in the same transaction. Takes the store's lock ({@link Db}) as the store did.
 */
final class StagedWrites {
  private final Db db;

  StagedWrites(Db db) {
    this.db = db;
  }

  // ---- writing

  public WriteResult write(Batch batch) {
    return write(batch, NOTHING);
  }

  private static final Db.Work<Void> NOTHING = () -> null;

  /**
   * Writes {@code batch} and then runs {@code then} in the same transaction, so that both are written or neither: a
   * ledger's rows for the profiles the batch creates ({@link ConsentTable#recordConsents}).
   */
  WriteResult write(Batch batch, Db.Work<?> then) {
    synchronized (db) {
      if (batch.isEmpty()) {
        if (then != NOTHING) {
          db.transaction(then);
        }
        return WriteResult.NONE;
      }
      Schema s = db.schema;
      List<TraitDef> traits = SchemaTables.storedTraits(s);
      List<PropertyDef> props = SchemaTables.eventProperties(s);
      List<PropertyDef> carried = carried(batch, props);
      try {
        stage(batch, traits, carried);
      } catch (SQLException e) {
        dropStaging();
        throw SqlFailures.of("could not stage the batch: ", e);
      }
      boolean written = false;
      try {
        // The staging tables are dropped inside the transaction, so the drops share its one commit; only a write that
        // failed drops them again (after a good one that was nine more statements, each its own commit, dropping nothing).
        WriteResult r = db.transaction(() -> {
          WriteResult done = merge(batch, traits, props, carried);
          then.run();
          dropStaging();
          return done;
        });
        if (r.profilesCreated() > 0) {
          db.profilesVersion++;
        }
        written = true;
        carryStats(batch, r);
        return r;
      } finally {
        if (!written) {
          dropStaging();
          db.generation++;
        }
        db.factsMoved();
      }
    }
  }

  /**
   * Moves the store to its next write generation, carrying the kept statistics ({@link ProfileTables#stats()}) forward
   * when the write's effect on them is known from the batch alone: every event of the batch was new (none skipped as
   * already stored or as a second copy), so each adds one to its type, and their times (at DuckDB's microseconds)
   * widen the span. Otherwise the kept copy lapses and the next read counts again.
   */
  private void carryStats(Batch batch, WriteResult r) {
    Db.KeptStats k = db.keptStats;
    long next = db.generation + 1;
    if (k != null && k.generation() == db.generation && r.eventsWritten() == batch.events().size()) {
      StoreStats s = k.stats();
      Map<String, Long> byType = new HashMap<>(s.eventsByType());
      Instant first = s.firstEvent();
      Instant last = s.lastEvent();
      boolean exact = true;
      for (Event ev : batch.events()) {
        byType.merge(ev.type(), 1L, Long::sum);
        Instant at = ev.timestamp();
        exact &= at.getNano() % 1000 == 0;
        first = first == null || at.isBefore(first) ? at : first;
        last = last == null || at.isAfter(last) ? at : last;
      }
      db.keptStats = exact ? new Db.KeptStats(next, new StoreStats(s.profiles() + r.profilesCreated(), s.events() + r.eventsWritten(),
          s.orderLines() + r.linesWritten(), byType, first, last)) : null;
    }
    db.generation = next;
  }

  /**
   * The event properties some event of the batch gives a value to, in the schema's order. Only these are staged:
   * the appender's cost is per value, and a batch of one event type would otherwise append a null for every
   * property of every other type (21 of 33 values for a product view); the rest are nulls in {@code s_new}.
   */
  static List<PropertyDef> carried(Batch batch, List<PropertyDef> props) {
    Set<String> given = new HashSet<>();
    for (Event ev : batch.events()) {
      for (Map.Entry<String, Value> p : ev.properties().entrySet()) {
        if (!p.getValue().isNull()) {
          given.add(p.getKey());
        }
      }
    }
    List<PropertyDef> out = new ArrayList<>();
    for (PropertyDef p : props) {
      if (given.contains(p.name())) {
        out.add(p);
      }
    }
    return out;
  }

  /** The stored traits some profile of the batch gives a value to, in the schema's order. */
  static List<TraitDef> givenTraits(Batch batch, List<TraitDef> traits) {
    Set<String> given = new HashSet<>();
    for (Profile pr : batch.profiles()) {
      for (Map.Entry<String, Value> t : pr.traits().entrySet()) {
        if (!t.getValue().isNull()) {
          given.add(t.getKey());
        }
      }
    }
    List<TraitDef> out = new ArrayList<>();
    for (TraitDef t : traits) {
      if (given.contains(t.name())) {
        out.add(t);
      }
    }
    return out;
  }

  /** Whether no event id occurs twice in the batch (then the in-batch deduplication can be skipped). */
  static boolean distinctIds(Batch batch) {
    Set<String> ids = new HashSet<>(batch.events().size() * 2);
    for (Event ev : batch.events()) {
      if (!ids.add(ev.id())) {
        return false;
      }
    }
    return true;
  }

  private void stage(Batch batch, List<TraitDef> traits, List<PropertyDef> props) throws SQLException {
    try (Statement st = db.conn.createStatement()) {
      StringBuilder p = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_profiles(_seq BIGINT, profile_id VARCHAR");
      for (TraitDef t : traits) {
        p.append(", ").append(Columns.quote(t.name())).append(' ').append(Columns.sqlType(t.type()));
      }
      st.execute(p.append(")").toString());
      st.execute("CREATE OR REPLACE TEMP TABLE s_identifiers(profile_id VARCHAR, kind VARCHAR, value VARCHAR)");
      StringBuilder e = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_events(_seq BIGINT, event_id VARCHAR, profile_id VARCHAR, anonymous_id VARCHAR, type VARCHAR, ts TIMESTAMP, _extras VARCHAR");
      for (PropertyDef prop : props) {
        e.append(", ").append(Columns.quote(prop.name())).append(' ').append(Columns.sqlType(prop.type()));
      }
      st.execute(e.append(")").toString());
      st.execute("CREATE OR REPLACE TEMP TABLE s_lines(_seq BIGINT, line_no INTEGER, product_id VARCHAR, product_name VARCHAR, category VARCHAR, quantity DOUBLE, unit_price DOUBLE, discount DOUBLE)");
    }
    long seq = 0;
    try (DuckDBAppender ap = db.conn.createAppender("temp", "main", "s_profiles");
        DuckDBAppender ai = db.conn.createAppender("temp", "main", "s_identifiers")) {
      for (Profile pr : batch.profiles()) {
        ap.beginRow().append(seq++).append(pr.id());
        for (TraitDef t : traits) {
          append(ap, pr.trait(t.name()), t.type());
        }
        ap.endRow();
        for (Identifier id : pr.identifiers()) {
          ai.beginRow().append(pr.id()).append(id.kind()).append(id.value()).endRow();
        }
      }
    }
    // An event's lines carry its staging position rather than its id: when one id is staged twice, only the copy
    // that is kept brings its lines.
    seq = 0;
    try (DuckDBAppender ae = db.conn.createAppender("temp", "main", "s_events");
        DuckDBAppender al = db.conn.createAppender("temp", "main", "s_lines")) {
      for (Event ev : batch.events()) {
        long at = seq++;
        ae.beginRow().append(at).append(ev.id()).append(ev.profileId()).append(ev.anonymousId()).append(ev.type())
            .append(LocalDateTime.ofInstant(ev.timestamp(), ZoneOffset.UTC)).append(Db.extrasJson(ev));
        for (PropertyDef prop : props) {
          append(ae, ev.property(prop.name()), prop.type());
        }
        ae.endRow();
        int n = 0;
        for (OrderLine l : ev.lines()) {
          al.beginRow().append(at).append(n++).append(l.productId()).append(l.productName()).append(l.category())
              .append(l.quantity()).append(l.unitPrice()).append(l.discount()).endRow();
        }
      }
    }
  }

  static void append(DuckDBAppender a, Value v, ValueType t) throws SQLException {
    if (v.isNull()) {
      a.appendNull();
      return;
    }
    switch (t) {
      case NUMBER -> a.append(((Value.Num) v).value());
      case STRING -> a.append(((Value.Str) v).value());
      case BOOLEAN -> a.append(((Value.Bool) v).value());
      case DATE -> a.append(((Value.DateValue) v).value());
      case TIMESTAMP -> a.append(LocalDateTime.ofInstant(((Value.TimeValue) v).value(), ZoneOffset.UTC));
      case STRING_LIST -> {
        List<String> items = new ArrayList<>();
        for (Value x : ((Value.ListValue) v).items()) {
          items.add(((Value.Str) x).value());
        }
        a.append(items);
      }
    }
  }

  private WriteResult merge(Batch batch, List<TraitDef> traits, List<PropertyDef> props, List<PropertyDef> carried) throws SQLException {
    try (Statement st = db.conn.createStatement()) {
      // Several rows of one profile in a batch merge as they would one after the other: per trait, the last value given.
      StringBuilder merged = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_p AS SELECT max(_seq) AS _seq, profile_id");
      for (TraitDef t : traits) {
        String c = Columns.quote(t.name());
        merged.append(", arg_max(").append(c).append(", _seq) FILTER (WHERE ").append(c).append(" IS NOT NULL) AS ").append(c);
      }
      st.execute(merged.append(" FROM s_profiles GROUP BY profile_id").toString());
      st.execute("CREATE OR REPLACE TEMP TABLE s_ids AS SELECT DISTINCT profile_id FROM (SELECT profile_id FROM s_p UNION ALL "
          + "SELECT profile_id FROM s_events WHERE profile_id IS NOT NULL UNION ALL SELECT profile_id FROM s_identifiers) x "
          + "WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.profile_id = x.profile_id)");
      // Every stored profile the batch names counts as updated, but only the rows given a trait are rewritten, and
      // only in the traits the batch gives: a batch of tracks names thousands of profiles and gives no trait.
      long updated = traits.isEmpty() ? 0 : Db.scalar(st, "SELECT count(*) FROM s_p s WHERE s.profile_id NOT IN (SELECT profile_id FROM s_ids)");
      List<TraitDef> givenTraits = givenTraits(batch, traits);
      if (!givenTraits.isEmpty()) {
        StringBuilder u = new StringBuilder("UPDATE profiles SET ");
        StringBuilder any = new StringBuilder();
        for (int i = 0; i < givenTraits.size(); i++) {
          String c = Columns.quote(givenTraits.get(i).name());
          u.append(i > 0 ? ", " : "").append(c).append(" = COALESCE(s.").append(c).append(", profiles.").append(c).append(")");
          any.append(i > 0 ? " OR s." : "s.").append(c).append(" IS NOT NULL");
        }
        u.append(" FROM s_p s WHERE profiles.profile_id = s.profile_id AND (").append(any).append(")");
        st.executeUpdate(u.toString());
      }
      StringBuilder cols = new StringBuilder();
      StringBuilder vals = new StringBuilder();
      for (TraitDef t : traits) {
        cols.append(", ").append(Columns.quote(t.name()));
        vals.append(", s.").append(Columns.quote(t.name()));
      }
      long created = st.executeUpdate("INSERT INTO profiles (pkey, profile_id" + cols + ") SELECT "
          + "(SELECT COALESCE(max(pkey), 0) FROM profiles) + row_number() OVER (ORDER BY i.profile_id), i.profile_id" + vals
          + " FROM s_ids i LEFT JOIN s_p s ON s.profile_id = i.profile_id");
      st.executeUpdate("INSERT INTO identifiers SELECT DISTINCT i.kind, i.value, p.pkey FROM s_identifiers i JOIN profiles p ON p.profile_id = i.profile_id "
          + "WHERE NOT EXISTS (SELECT 1 FROM identifiers x WHERE x.kind = i.kind AND x.value = i.value AND x.pkey = p.pkey)");
      // Events already stored (a join, not IN over all events, lets the optimiser build its hash table on the small
      // staged side), then s_new: the staged events that are new, the first copy of an id staged twice (skipped when
      // the batch's ids are distinct, which Java sees for less than the window costs), every property column of the
      // events table (those no event of the batch gives are nulls), in one statement.
      st.execute("CREATE OR REPLACE TEMP TABLE s_dup AS SELECT DISTINCT n.event_id FROM s_events n JOIN events e ON e.event_id = n.event_id");
      Set<String> given = new HashSet<>();
      for (PropertyDef p : carried) {
        given.add(p.name());
      }
      StringBuilder pc = new StringBuilder();
      StringBuilder pv = new StringBuilder();
      StringBuilder all = new StringBuilder("s._seq, s.event_id, s.profile_id, s.anonymous_id, s.type, s.ts, s._extras");
      for (PropertyDef p : props) {
        String c = Columns.quote(p.name());
        pc.append(", ").append(c);
        pv.append(", s.").append(c);
        all.append(", ").append(given.contains(p.name()) ? "s." + c : "CAST(NULL AS " + Columns.sqlType(p.type()) + ") AS " + c);
      }
      st.execute("CREATE OR REPLACE TEMP TABLE s_new AS SELECT " + all + " FROM s_events s WHERE s.event_id NOT IN (SELECT event_id FROM s_dup)"
          + (distinctIds(batch) ? "" : " QUALIFY row_number() OVER (PARTITION BY s.event_id ORDER BY s._seq) = 1"));
      long staged = batch.events().size();
      // An event without a profile id belongs to the profile its anonymous id is linked to, if any (identity
      // stitching); the link with the smallest key wins, so an event never lands twice. The links are looked up
      // once, for the batch's anonymous events only, rather than grouped over all identifiers by each of the three
      // statements that join them.
      boolean anonymous = false;
      for (Event ev : batch.events()) {
        anonymous |= ev.profileId() == null && ev.anonymousId() != null;
      }
      st.execute("CREATE OR REPLACE TEMP TABLE s_anon AS SELECT value, min(pkey) AS pkey FROM identifiers WHERE kind = 'anonymous_id' AND "
          + (anonymous ? "value IN (SELECT anonymous_id FROM s_new WHERE profile_id IS NULL)" : "false") + " GROUP BY value");
      String owner = owner("s");
      long written = st.executeUpdate("INSERT INTO events (event_id, pkey, anonymous_id, type, ts, _extras" + pc + ") SELECT s.event_id, COALESCE(p.pkey, a.pkey), s.anonymous_id, s.type, s.ts, s._extras" + pv
          + " FROM s_new s" + owner);
      // The new events' share of the kept aggregates, owned as the insert above owns them.
      db.facts.add(db.conn, db.facts.aggregate("COALESCE(p.pkey, a.pkey)", "s_new e" + owner("e"), "COALESCE(p.pkey, a.pkey) IS NOT NULL"));
      db.facts.advance(db.conn, "SELECT max(ts) FROM s_new e WHERE e.type IN (" + db.facts.typeList() + ")", List.of());
      long lines = st.executeUpdate("INSERT INTO order_lines (event_id, line_no, event_type, pkey, ts, order_id, product_id, product_name, category, quantity, unit_price, discount, line_total, currency) "
          + "SELECT s.event_id, l.line_no, s.type, COALESCE(p.pkey, a.pkey), s.ts, s.order_id, l.product_id, l.product_name, l.category, l.quantity, l.unit_price, l.discount, "
          + "l.quantity * l.unit_price - l.discount, s.currency FROM s_lines l JOIN s_new s ON s._seq = l._seq" + owner);
      // Anonymous ids linked by this batch: their earlier anonymous events become the profile's.
      boolean links = false;
      for (Profile pr : batch.profiles()) {
        for (Identifier id : pr.identifiers()) {
          links |= id.kind().equals("anonymous_id");
        }
      }
      if (links) {
        String linked = "(SELECT value, min(pkey) AS pkey FROM identifiers WHERE kind = 'anonymous_id' AND value IN (SELECT value FROM s_identifiers WHERE kind = 'anonymous_id') GROUP BY value)";
        // Anonymous events about to become a profile's add their share to its kept aggregates.
        db.facts.add(db.conn, db.facts.aggregate("a.pkey", "events e JOIN " + linked + " a ON e.anonymous_id = a.value", "e.pkey IS NULL"));
        st.executeUpdate("UPDATE order_lines SET pkey = a.pkey FROM events e, " + linked + " a WHERE order_lines.pkey IS NULL AND order_lines.event_id = e.event_id AND e.pkey IS NULL AND e.anonymous_id = a.value");
        st.executeUpdate("UPDATE events SET pkey = a.pkey FROM " + linked + " a WHERE events.pkey IS NULL AND events.anonymous_id = a.value");
      }
      return new WriteResult(created, updated, written, staged - written, lines);
    }
  }

  /** Joins giving staged rows (alias {@code s}) their owner's key: {@code COALESCE(p.pkey, a.pkey)}. */
  private static String owner(String s) {
    return " LEFT JOIN profiles p ON p.profile_id = " + s + ".profile_id LEFT JOIN s_anon a ON " + s + ".profile_id IS NULL AND a.value = " + s + ".anonymous_id";
  }

  private void dropStaging() {
    try (Statement st = db.conn.createStatement()) {
      for (String t : List.of("s_profiles", "s_identifiers", "s_events", "s_lines", "s_p", "s_ids", "s_new", "s_dup", "s_anon")) {
        st.execute("DROP TABLE IF EXISTS temp.main." + t);
      }
    } catch (SQLException ignored) {
      // temporary tables vanish with the connection anyway
    }
  }
}
