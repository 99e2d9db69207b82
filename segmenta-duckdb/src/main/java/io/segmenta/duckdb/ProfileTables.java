package io.segmenta.duckdb;

import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.WriteResult;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.value.Value;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import io.segmenta.core.port.Erasure;
import java.util.Locale;

/**
 * Profiles and events as the Profiles role sees them: writes (handed to {@link StagedWrites}), statistics, one
 * person's history, lookups, and erasure (with {@link PersonDeletion}, then {@link FileCompaction}). Takes the store's lock ({@link Db}) as the store did.
 */
final class ProfileTables implements Profiles {
  private final Db db;
  private final StagedWrites writes;
  private final FileCompaction compaction;

  ProfileTables(Db db, StagedWrites writes, FileCompaction compaction) {
    this.db = db;
    this.writes = writes;
    this.compaction = compaction;
  }

  @Override
  public WriteResult write(Batch batch) {
    return writes.write(batch);
  }

  // ---- reading

  /**
   * Counts over every event cost a scan of the events table (about a second over 25M events on a busy machine), and the
   * web app reads them for every page's as-of; so they are kept until the next write that can change them. A valid
   * copy is returned without the store's lock, so a page is not held up behind a long query of a background job. A
   * write of new events carries a kept copy forward itself ({@link StagedWrites}), so live tracking does not make
   * every page count again.
   */
  @Override
  public StoreStats stats() {
    Db.KeptStats k = db.keptStats;
    if (k != null && k.generation() == db.generation) {
      return k.stats();
    }
    synchronized (db) {
      k = db.keptStats;
      long generation = db.generation;
      if (k != null && k.generation() == generation) {
        return k.stats();
      }
      StoreStats s = count();
      db.keptStats = new Db.KeptStats(generation, s);
      return s;
    }
  }

  private StoreStats count() {
    synchronized (db) {
      try (Statement st = db.conn.createStatement()) {
        long profiles = Db.scalar(st, "SELECT count(*) FROM profiles");
        long events = Db.scalar(st, "SELECT count(*) FROM events");
        long lines = Db.scalar(st, "SELECT count(*) FROM order_lines");
        Map<String, Long> byType = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery("SELECT type, count(*) FROM events GROUP BY type ORDER BY type")) {
          while (rs.next()) {
            byType.put(rs.getString(1), rs.getLong(2));
          }
        }
        Instant first = null;
        Instant last = null;
        try (ResultSet rs = st.executeQuery("SELECT min(ts), max(ts) FROM events")) {
          rs.next();
          if (rs.getObject(1) != null) {
            first = rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
            last = rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
          }
        }
        return new StoreStats(profiles, events, lines, byType, first, last);
      } catch (SQLException e) {
        throw SqlFailures.of("could not read store statistics: ", e);
      }
    }
  }

  @Override
  public boolean exists(String profileId) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT 1 FROM profiles WHERE profile_id = ?")) {
        ps.setString(1, profileId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not look up profile " + profileId + ": ", e);
      }
    }
  }

  @Override
  public Instant lastEvent() {
    Db.KeptStats k = db.keptStats;
    if (k != null && k.generation() == db.generation) {
      return k.stats().lastEvent();
    }
    synchronized (db) {
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT max(ts) FROM events")) {
        rs.next();
        LocalDateTime last = rs.getObject(1, LocalDateTime.class);
        return last == null ? null : last.toInstant(ZoneOffset.UTC);
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the time of the newest event: ", e);
      }
    }
  }

  @Override
  public Map<String, Long> propertyValues(String property, int limit) {
    synchronized (db) {
      PropertyDef p = db.schema.property(property).orElseThrow(() -> new UserException("unknown event property '" + property + "'"));
      String table = SchemaTables.eventProperties(db.schema).contains(p) ? "events" : "order_lines";
      String col = Columns.quote(p.name());
      Map<String, Long> out = new LinkedHashMap<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT CAST(" + col + " AS VARCHAR), count(*) FROM " + table + " WHERE " + col
          + " IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?")) {
        ps.setInt(1, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the values of " + property + ": ", e);
      }
    }
  }

  @Override
  public Optional<ProfileHistory> history(String profileId) {
    return Optional.ofNullable(histories(List.of(profileId)).get(profileId));
  }

  /**
   * Four queries for a whole chunk of profiles (profiles, identifiers, order lines, events, each {@code WHERE pkey IN
   * (...)}) instead of four per person: a journey tick reads the histories of hundreds of due runs, and each query
   * over the events table costs a scan whatever the number of keys it asks for (no index on pkey).
   */
  @Override
  public Map<String, ProfileHistory> histories(Collection<String> profileIds) {
    Map<String, ProfileHistory> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(new LinkedHashSet<>(profileIds));
    for (int from = 0; from < all.size(); from += HISTORY_CHUNK) {
      out.putAll(chunk(all.subList(from, Math.min(all.size(), from + HISTORY_CHUNK))));
    }
    return out;
  }

  private static final int HISTORY_CHUNK = 1_000;

  private Map<String, ProfileHistory> chunk(List<String> profileIds) {
    synchronized (db) {
      Schema s = db.schema;
      List<TraitDef> traits = SchemaTables.storedTraits(s);
      try {
        Map<Long, String> idOf = new LinkedHashMap<>();
        Map<Long, Map<String, Value>> values = new LinkedHashMap<>();
        StringBuilder q = new StringBuilder("SELECT pkey, profile_id");
        traits.forEach(t -> q.append(", ").append(Columns.quote(t.name())));
        q.append(" FROM profiles WHERE profile_id IN (").append(String.join(", ", Collections.nCopies(profileIds.size(), "?"))).append(")");
        try (PreparedStatement ps = db.conn.prepareStatement(q.toString())) {
          for (int i = 0; i < profileIds.size(); i++) {
            ps.setString(i + 1, profileIds.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long pkey = rs.getLong(1);
              idOf.put(pkey, rs.getString(2));
              Map<String, Value> v = new LinkedHashMap<>();
              for (int i = 0; i < traits.size(); i++) {
                v.put(traits.get(i).name(), Columns.read(rs, i + 3, traits.get(i).type()));
              }
              values.put(pkey, v);
            }
          }
        }
        if (idOf.isEmpty()) {
          return Map.of();
        }
        // Keys are longs read from the table, so they are written into the statement.
        String keys = idOf.keySet().stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
        Map<Long, List<Identifier>> ids = new LinkedHashMap<>();
        try (Statement st = db.conn.createStatement();
            ResultSet rs = st.executeQuery("SELECT pkey, kind, value FROM identifiers WHERE pkey IN " + keys + " ORDER BY pkey, kind, value")) {
          while (rs.next()) {
            ids.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Identifier(rs.getString(2), rs.getString(3)));
          }
        }
        Map<String, List<OrderLine>> lines = new LinkedHashMap<>();
        try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT pkey || '/' || event_id, product_id, product_name, category, quantity,"
            + " unit_price, discount FROM order_lines WHERE pkey IN " + keys + " ORDER BY pkey, event_id, line_no")) {
          while (rs.next()) {
            lines.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new OrderLine(rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7)));
          }
        }
        List<PropertyDef> props = SchemaTables.eventProperties(s);
        StringBuilder eq = new StringBuilder("SELECT event_id, anonymous_id, type, ts, _extras, pkey");
        props.forEach(p -> eq.append(", ").append(Columns.quote(p.name())));
        Map<Long, List<Event>> events = new LinkedHashMap<>();
        try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(eq + " FROM events WHERE pkey IN " + keys + " ORDER BY pkey, ts, event_id")) {
          while (rs.next()) {
            String type = rs.getString(3);
            Map<String, Value> pv = new LinkedHashMap<>();
            EventTypeDef et = s.eventType(type).orElse(null);
            for (int i = 0; i < props.size(); i++) {
              if (et == null || et.has(props.get(i).name())) {
                pv.put(props.get(i).name(), Columns.read(rs, i + 7, props.get(i).type()));
              }
            }
            String id = rs.getString(1);
            long pkey = rs.getLong(6);
            events.computeIfAbsent(pkey, k -> new ArrayList<>()).add(new Event(id, idOf.get(pkey), rs.getString(2), type,
                rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC), pv, lines.getOrDefault(pkey + "/" + id, List.of()), Db.extras(rs.getString(5))));
          }
        }
        Map<String, ProfileHistory> out = new LinkedHashMap<>();
        for (Map.Entry<Long, String> e : idOf.entrySet()) {
          out.put(e.getValue(), new ProfileHistory(new Profile(e.getValue(), ids.getOrDefault(e.getKey(), List.of()), values.get(e.getKey())),
              events.getOrDefault(e.getKey(), List.of())));
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the histories of " + profileIds.size() + " profiles: ", e);
      }
    }
  }

  @Override
  public List<String> profileIds() {
    synchronized (db) {
      List<String> out = new ArrayList<>();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT profile_id FROM profiles ORDER BY profile_id")) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not list profiles: ", e);
      }
    }
  }

  @Override
  public Optional<String> findProfile(String kind, String value) {
    synchronized (db) {
      String v = kind.equals("email") ? value.trim().toLowerCase(Locale.ROOT) : value;
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT p.profile_id FROM identifiers i JOIN profiles p ON p.pkey = i.pkey WHERE i.kind = ? AND i.value = ? ORDER BY p.pkey LIMIT 1")) {
        ps.setString(1, kind);
        ps.setString(2, v);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not look up an identifier: ", e);
      }
    }
  }

  @Override
  public Erasure erase(Collection<String> profileIds) {
    synchronized (db) {
      Erasure done = db.transaction(() -> {
        boolean any = false;
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT 1 FROM profiles WHERE profile_id = ?")) {
          for (String id : profileIds) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              any |= rs.next();
            }
          }
        }
        return any ? PersonDeletion.run(db.conn, db.facts, profileIds) : null;
      });
      if (done == null) {
        throw new UserException("there is no profile " + profileIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(" or ")));
      }
      db.profilesVersion++;
      db.generation++;
      db.factsMoved();
      compaction.compact();
      return done;
    }
  }
}
