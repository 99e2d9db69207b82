package io.segmenta.duckdb;

import io.segmenta.core.port.Identities;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.schema.TraitDef;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import io.segmenta.core.port.MergeRecord;
import java.util.Locale;

/**
 * Merging profiles and the merge log: a merge moves events, order lines, identifiers, consents and membership
 * history to the survivor in one transaction and logs what it moved and why; refused merges are logged too. Takes the store's lock ({@link Db}) as the store did.
 */
final class MergeLog implements Identities {
  private final Db db;

  MergeLog(Db db) {
    this.db = db;
  }

  @Override
  public MergeRecord merge(String survivorId, String mergedId, String reason, Instant at) {
    synchronized (db) {
      if (survivorId.equals(mergedId)) {
        throw new UserException("a profile cannot be merged into itself: '" + survivorId + "'");
      }
      return db.transaction(() -> {
        long s = db.pkeyOf(survivorId);
        long m = db.pkeyOf(mergedId);
        List<Identifier> moved = new ArrayList<>();
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT kind, value FROM identifiers WHERE pkey = ? ORDER BY kind, value")) {
          ps.setLong(1, m);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              moved.add(new Identifier(rs.getString(1), rs.getString(2)));
            }
          }
        }
        try (Statement st = db.conn.createStatement()) {
          st.executeUpdate("UPDATE events SET pkey = " + s + " WHERE pkey = " + m);
          st.executeUpdate("UPDATE order_lines SET pkey = " + s + " WHERE pkey = " + m);
          st.executeUpdate("INSERT INTO identifiers SELECT i.kind, i.value, " + s + " FROM identifiers i WHERE i.pkey = " + m
              + " AND NOT EXISTS (SELECT 1 FROM identifiers x WHERE x.pkey = " + s + " AND x.kind = i.kind AND x.value = i.value)");
          st.executeUpdate("DELETE FROM identifiers WHERE pkey = " + m);
          st.executeUpdate("UPDATE consents SET pkey = " + s + " WHERE pkey = " + m);
          List<TraitDef> traits = SchemaTables.storedTraits(db.schema);
          if (!traits.isEmpty()) {
            StringBuilder u = new StringBuilder("UPDATE profiles SET ");
            for (int i = 0; i < traits.size(); i++) {
              String c = Columns.quote(traits.get(i).name());
              u.append(i > 0 ? ", " : "").append(c).append(" = COALESCE(profiles.").append(c).append(", o.").append(c).append(")");
            }
            st.executeUpdate(u.append(" FROM profiles o WHERE profiles.pkey = ").append(s).append(" AND o.pkey = ").append(m).toString());
          }
          st.executeUpdate("DELETE FROM profiles WHERE pkey = " + m);
        }
        db.facts.forget(db.conn, m);
        db.facts.refresh(db.conn, "SELECT " + s + " AS pkey");
        try (PreparedStatement ps = db.conn.prepareStatement("UPDATE membership_changes SET profile_id = ? WHERE profile_id = ?")) {
          ps.setString(1, survivorId);
          ps.setString(2, mergedId);
          ps.executeUpdate();
        }
        MergeRecord r = new MergeRecord(survivorId, mergedId, moved, at, reason, true);
        insertMerge(r);
        db.profilesVersion++;
        db.generation++;
        return r;
      });
    }
  }

  private void insertMerge(MergeRecord r) throws SQLException {
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO merge_log VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.survivorId());
      ps.setString(2, r.mergedId());
      StringBuilder ids = new StringBuilder();
      for (Identifier i : r.identifiers()) {
        ids.append(ids.length() > 0 ? "\u001e" : "").append(i.kind()).append('\u001f').append(i.value());
      }
      ps.setString(3, ids.toString());
      ps.setObject(4, LocalDateTime.ofInstant(r.at(), ZoneOffset.UTC));
      ps.setString(5, r.reason());
      ps.setBoolean(6, r.applied());
      ps.executeUpdate();
    }
  }

  @Override
  public void refuseMerge(MergeRecord refused) {
    synchronized (db) {
      db.transaction(() -> {
        insertMerge(refused);
        return null;
      });
    }
  }

  @Override
  public List<MergeRecord> merges(String profileId) {
    synchronized (db) {
      List<MergeRecord> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT survivor, merged, identifiers, ts, reason, applied FROM merge_log"
          + " WHERE ? IS NULL OR survivor = ? OR merged = ? ORDER BY ts")) {
        ps.setString(1, profileId);
        ps.setString(2, profileId);
        ps.setString(3, profileId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            List<Identifier> ids = new ArrayList<>();
            String packed = rs.getString(3);
            if (!packed.isEmpty()) {
              for (String pair : packed.split("\u001e")) {
                String[] kv = pair.split("\u001f", 2);
                ids.add(new Identifier(kv[0], kv[1]));
              }
            }
            out.add(new MergeRecord(rs.getString(1), rs.getString(2), ids, rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getString(5), rs.getBoolean(6)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the merge log: ", e);
      }
    }
  }

  /** One query per 1,000 identifiers (their values bound in an {@code IN} list), grouped here by kind and value. */
  @Override
  public Map<Identifier, List<String>> holders(Collection<Identifier> identifiers) {
    Map<Identifier, List<String>> out = new HashMap<>();
    Map<List<String>, List<Identifier>> asStored = new HashMap<>();
    for (Identifier i : new LinkedHashSet<>(identifiers)) {
      out.put(i, new ArrayList<>());
      asStored.computeIfAbsent(List.of(i.kind(), stored(i.kind(), i.value())), k -> new ArrayList<>()).add(i);
    }
    List<String> values = asStored.keySet().stream().map(k -> k.get(1)).distinct().toList();
    synchronized (db) {
      try {
        for (int from = 0; from < values.size(); from += 1_000) {
          List<String> part = values.subList(from, Math.min(values.size(), from + 1_000));
          try (PreparedStatement ps = db.conn.prepareStatement("SELECT DISTINCT i.kind, i.value, p.profile_id, p.pkey FROM identifiers i JOIN profiles p ON p.pkey = i.pkey"
              + " WHERE i.value IN (" + String.join(", ", Collections.nCopies(part.size(), "?")) + ") ORDER BY p.pkey")) {
            for (int k = 0; k < part.size(); k++) {
              ps.setString(k + 1, part.get(k));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                for (Identifier i : asStored.getOrDefault(List.of(rs.getString(1), rs.getString(2)), List.of())) {
                  out.get(i).add(rs.getString(3));
                }
              }
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not count the holders of " + values.size() + " identifiers: ", e);
      }
    }
  }

  /** An identifier's value as the table keeps it: e-mail addresses trimmed and in lower case. */
  private static String stored(String kind, String value) {
    return kind.equals("email") ? value.trim().toLowerCase(Locale.ROOT) : value;
  }

  @Override
  public List<String> holders(String kind, String value) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT DISTINCT p.profile_id, p.pkey FROM identifiers i JOIN profiles p ON p.pkey = i.pkey WHERE i.kind = ? AND i.value = ? ORDER BY p.pkey")) {
        ps.setString(1, kind);
        ps.setString(2, stored(kind, value));
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not count identifier holders: ", e);
      }
    }
  }
}
