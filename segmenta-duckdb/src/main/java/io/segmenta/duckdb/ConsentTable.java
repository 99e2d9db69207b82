package io.segmenta.duckdb;

import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import java.util.Comparator;
import io.segmenta.core.consent.ConsentPolicy;

/**
 * The consent ledger table: changes only, one row per change of a purpose. Takes the store's lock ({@link Db}) as the store did.
 */
final class ConsentTable implements ConsentLedger {
  private final Db db;
  private final StagedWrites writes;

  ConsentTable(Db db, StagedWrites writes) {
    this.db = db;
    this.writes = writes;
  }

  // ---- privacy

  @Override
  public void recordConsent(String profileId, List<ConsentRecord> choices) {
    synchronized (db) {
      if (choices.isEmpty()) {
        return;
      }
      writes.write(new Batch(List.of(new Profile(profileId, List.of(), Map.of())), List.of()));
      db.transaction(() -> {
        long pkey;
        try (PreparedStatement ps = db.conn.prepareStatement("SELECT pkey FROM profiles WHERE profile_id = ?")) {
          ps.setString(1, profileId);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            pkey = rs.getLong(1);
          }
        }
        List<ConsentRecord> sorted = new ArrayList<>(choices);
        sorted.sort(ConsentPolicy.EFFECT_ORDER);
        try (PreparedStatement latest = db.conn.prepareStatement("SELECT granted FROM consents WHERE pkey = ? AND purpose = ? ORDER BY " + ConsentPolicy.sqlLatestFirst("ts", "granted") + " LIMIT 1");
            PreparedStatement insert = db.conn.prepareStatement("INSERT INTO consents VALUES (?, ?, ?, ?, ?)")) {
          for (ConsentRecord c : sorted) {
            latest.setLong(1, pkey);
            latest.setString(2, c.purpose().label());
            Boolean current = null;
            try (ResultSet rs = latest.executeQuery()) {
              if (rs.next()) {
                current = rs.getBoolean(1);
              }
            }
            if (current != null && current == c.granted()) {
              continue;
            }
            insert.setLong(1, pkey);
            insert.setString(2, c.purpose().label());
            insert.setBoolean(3, c.granted());
            insert.setObject(4, LocalDateTime.ofInstant(c.at(), ZoneOffset.UTC));
            insert.setString(5, c.source());
            insert.executeUpdate();
          }
        }
        return null;
      });
    }
  }

  /** One query per 1,000 profiles (bound in an {@code IN} list) instead of one per person: a journey tick reads a chunk's consents at once. */
  @Override
  public Map<String, List<ConsentRecord>> consents(Collection<String> profileIds) {
    Map<String, List<ConsentRecord>> out = new HashMap<>();
    List<String> all = new ArrayList<>(new LinkedHashSet<>(profileIds));
    all.forEach(id -> out.put(id, new ArrayList<>()));
    synchronized (db) {
      try {
        for (int from = 0; from < all.size(); from += 1_000) {
          List<String> part = all.subList(from, Math.min(all.size(), from + 1_000));
          try (PreparedStatement ps = db.conn.prepareStatement("SELECT p.profile_id, c.purpose, c.granted, c.ts, c.source FROM consents c"
              + " JOIN profiles p ON p.pkey = c.pkey WHERE p.profile_id IN (" + String.join(", ", Collections.nCopies(part.size(), "?")) + ")"
              + " ORDER BY p.profile_id, c.ts, c.purpose")) {
            for (int i = 0; i < part.size(); i++) {
              ps.setString(i + 1, part.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.get(rs.getString(1)).add(new ConsentRecord(Purpose.parse(rs.getString(2)), rs.getBoolean(3),
                    rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(5)));
              }
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the consents of " + all.size() + " profiles: ", e);
      }
    }
  }

  @Override
  public List<ConsentRecord> consents(String profileId) {
    synchronized (db) {
      List<ConsentRecord> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT c.purpose, c.granted, c.ts, c.source FROM consents c JOIN profiles p ON p.pkey = c.pkey"
          + " WHERE p.profile_id = ? ORDER BY c.ts, c.purpose")) {
        ps.setString(1, profileId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ConsentRecord(Purpose.parse(rs.getString(1)), rs.getBoolean(2),
                rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(4)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read consents: ", e);
      }
    }
  }
}
