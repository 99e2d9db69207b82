package io.segmenta.duckdb;

import io.segmenta.core.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Profile ids by key, for queries that return a row per profile.
 *
 * <p>Why: DuckDB's JDBC driver takes close to a microsecond for each string it hands out, so reading the ids of
 * 815,000 customers row by row costs about 0.8 s, several times the query itself. Bulk reads therefore select the
 * integer key and look the id up here. The ids are read in one piece, as a single aggregated string split in Java
 * (about 0.3 s for a million), and read again only after a write that added or removed profiles.
 */
final class ProfileKeys {
  /** Separates ids in the aggregated string; an id that contains it makes the load fall back to rows. */
  private static final char SEPARATOR = '\u001e';

  private String[] ids = new String[0];
  private long loadedAt = -1;

  /** Ids indexed by key (null where no profile has the key), current as of the store's profile version. */
  String[] ids(Connection c, long version) throws SQLException {
    if (version != loadedAt) {
      ids = load(c);
      loadedAt = version;
    }
    return ids;
  }

  private static String[] load(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      long max;
      long count;
      long clashes;
      try (ResultSet rs = st.executeQuery("SELECT COALESCE(max(pkey), 0), count(*), count(*) FILTER (WHERE contains(profile_id, chr(30))) FROM profiles")) {
        rs.next();
        max = rs.getLong(1);
        count = rs.getLong(2);
        clashes = rs.getLong(3);
      }
      if (max >= Integer.MAX_VALUE - 8) {
        throw new StoreException("profile keys go up to " + max + ", more than an array can index", null);
      }
      String[] out = new String[(int) max + 1];
      if (count == 0) {
        return out;
      }
      if (clashes > 0) {
        try (ResultSet rs = st.executeQuery("SELECT pkey, profile_id FROM profiles")) {
          while (rs.next()) {
            out[(int) rs.getLong(1)] = rs.getString(2);
          }
        }
        return out;
      }
      // Keys in order, with the ids: keys are dense (gaps only where profiles were merged or erased).
      String keys;
      String joined;
      try (ResultSet rs = st.executeQuery("SELECT string_agg(CAST(pkey AS VARCHAR), ',' ORDER BY pkey), string_agg(profile_id, chr(30) ORDER BY pkey) FROM profiles")) {
        rs.next();
        keys = rs.getString(1);
        joined = rs.getString(2);
      }
      int k = 0;
      int from = 0;
      int keyFrom = 0;
      for (int i = 0; i <= joined.length(); i++) {
        if (i == joined.length() || joined.charAt(i) == SEPARATOR) {
          int comma = keys.indexOf(',', keyFrom);
          int keyEnd = comma < 0 ? keys.length() : comma;
          out[Integer.parseInt(keys, keyFrom, keyEnd, 10)] = joined.substring(from, i);
          keyFrom = keyEnd + 1;
          from = i + 1;
          k++;
        }
      }
      if (k != count) {
        throw new StoreException("read " + k + " profile ids, expected " + count, null);
      }
      return out;
    }
  }
}
