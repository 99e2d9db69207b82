package io.segmenta.duckdb;

import io.segmenta.core.port.Erasure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Deletes every row about one person, inside the caller's transaction: the rows only; making the bytes leave the file
 * is the store's rewrite. Who the person is (which profile ids) the caller says: see
 * {@link io.segmenta.core.identity.MergeClosure}.
 *
 * <p>What goes: the profiles (with their stored and score traits), their identifiers, their events and those sent
 * under their anonymous ids (whoever they were later linked to), the order lines of those events, consents,
 * membership history, the kept aggregates, and every merge-log entry naming any of their ids. Another profile that
 * had events under one of the person's anonymous ids keeps its other events, and its kept aggregates are recomputed.
 */
final class PersonDeletion {
  private PersonDeletion() {}

  /** Deletes the profiles of {@code ids} and all about them; the erasure lists the profiles that existed. */
  static Erasure run(Connection c, FactsTable facts, Collection<String> ids) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE _erase_ids(profile_id VARCHAR)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO _erase_ids VALUES (?)")) {
        for (String id : ids) {
          ps.setString(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      st.execute("CREATE OR REPLACE TEMP TABLE _erase_keys AS SELECT pkey, profile_id FROM profiles WHERE profile_id IN (SELECT profile_id FROM _erase_ids)");
      st.execute("CREATE OR REPLACE TEMP TABLE _erase_anon AS SELECT DISTINCT value FROM identifiers WHERE kind = 'anonymous_id' AND pkey IN (SELECT pkey FROM _erase_keys)");
      st.execute("CREATE OR REPLACE TEMP TABLE _erase_events AS SELECT event_id FROM events WHERE pkey IN (SELECT pkey FROM _erase_keys)"
          + " OR anonymous_id IN (SELECT value FROM _erase_anon)");
      // Events of the person's anonymous ids may have been linked to someone else: their aggregates are recomputed.
      st.execute("CREATE OR REPLACE TEMP TABLE _erase_others AS SELECT DISTINCT pkey FROM events WHERE anonymous_id IN (SELECT value FROM _erase_anon)"
          + " AND pkey IS NOT NULL AND pkey NOT IN (SELECT pkey FROM _erase_keys)");
      long lines = st.executeUpdate("DELETE FROM order_lines WHERE pkey IN (SELECT pkey FROM _erase_keys) OR event_id IN (SELECT event_id FROM _erase_events)");
      long events = st.executeUpdate("DELETE FROM events WHERE pkey IN (SELECT pkey FROM _erase_keys) OR anonymous_id IN (SELECT value FROM _erase_anon)");
      // A violation's example is a value a client sent, and may be this person's e-mail, phone or id: the count stays,
      // an example that holds any of them goes.
      st.executeUpdate("UPDATE violations SET example = NULL WHERE example IS NOT NULL AND (EXISTS (SELECT 1 FROM identifiers i"
          + " WHERE i.pkey IN (SELECT pkey FROM _erase_keys) AND length(i.value) >= 3 AND contains(lower(violations.example), lower(i.value)))"
          + " OR EXISTS (SELECT 1 FROM _erase_ids e WHERE length(e.profile_id) >= 3 AND contains(violations.example, e.profile_id)))");
      long identifiers = st.executeUpdate("DELETE FROM identifiers WHERE pkey IN (SELECT pkey FROM _erase_keys)");
      st.executeUpdate("DELETE FROM consents WHERE pkey IN (SELECT pkey FROM _erase_keys)");
      st.executeUpdate("DELETE FROM membership_changes WHERE profile_id IN (SELECT profile_id FROM _erase_ids)");
      st.executeUpdate("DELETE FROM membership_intervals WHERE pkey IN (SELECT pkey FROM _erase_keys)");
      for (String journeyTable : JourneyTable.TABLES) {
        st.executeUpdate("DELETE FROM " + journeyTable + " WHERE profile_id IN (SELECT profile_id FROM _erase_ids)");
      }
      st.executeUpdate("DELETE FROM merge_log WHERE survivor IN (SELECT profile_id FROM _erase_ids) OR merged IN (SELECT profile_id FROM _erase_ids)");
      st.executeUpdate("DELETE FROM profile_facts WHERE pkey IN (SELECT pkey FROM _erase_keys)");
      List<String> removed = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT profile_id FROM _erase_keys ORDER BY pkey")) {
        while (rs.next()) {
          removed.add(rs.getString(1));
        }
      }
      st.executeUpdate("DELETE FROM profiles WHERE pkey IN (SELECT pkey FROM _erase_keys)");
      facts.refresh(c, "SELECT pkey FROM _erase_others");
      for (String t : List.of("_erase_ids", "_erase_keys", "_erase_anon", "_erase_events", "_erase_others")) {
        st.execute("DROP TABLE IF EXISTS temp.main." + t);
      }
      return new Erasure(removed, events, lines, identifiers);
    }
  }
}
