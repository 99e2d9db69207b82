package io.segmenta.duckdb;

import io.segmenta.core.port.Activity;
import io.segmenta.core.UserException;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.ValueType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.segmenta.core.port.CohortCell;
import io.segmenta.core.port.Interaction;
import io.segmenta.core.port.PurchaseDays;

/**
 * Bulk reads of what customers did: product interactions, purchase days and monthly cohorts. Takes the store's lock ({@link Db}) as the store did.
 */
final class ActivityQueries implements Activity {
  private final Db db;

  ActivityQueries(Db db) {
    this.db = db;
  }

  @Override
  public void interactions(String eventType, Instant from, Instant until, Consumer<Interaction> sink) {
    synchronized (db) {
      // In no particular order: a large sorted result did not always come back sorted through JDBC (DuckDB 2.0.0.1
      // returned one rotated run), and recommenders order what they read themselves.
      // Rows carry integer codes rather than strings (DuckDB's JDBC driver spends about a microsecond per string): the
      // profile's key, looked up in ProfileKeys, and a code per (product, category) pair, looked up in a dictionary
      // read first. Millions of lines, a few thousand products.
      String rows;
      if (eventType.equals("order_line")) {
        rows = "SELECT pkey, product_id, category, unit_price AS price, quantity, ts FROM order_lines WHERE event_type = 'order'";
      } else {
        EventTypeDef def = db.schema.eventType(eventType).orElseThrow(() -> new UserException("unknown event type '" + eventType + "'"));
        if (!def.properties().contains("product_id")) {
          throw new UserException("event type '" + eventType + "' has no product_id property; it has " + String.join(", ", def.properties()));
        }
        String category = def.properties().contains("category") ? "category" : "CAST(NULL AS VARCHAR)";
        String price = def.properties().contains("price") ? "price" : "CAST(NULL AS DOUBLE)";
        String quantity = def.properties().contains("quantity") ? "quantity" : "1";
        rows = "SELECT pkey, product_id, " + category + " AS category, " + price + " AS price, " + quantity + " AS quantity, ts FROM events WHERE type = '"
            + eventType.replace("'", "''") + "'";
      }
      rows += " AND pkey IS NOT NULL AND product_id IS NOT NULL AND ts >= ? AND ts < ?";
      LocalDateTime from0 = LocalDateTime.ofInstant(from, ZoneOffset.UTC);
      LocalDateTime until0 = LocalDateTime.ofInstant(until, ZoneOffset.UTC);
      try (Statement st = db.conn.createStatement()) {
        try (PreparedStatement ps = db.conn.prepareStatement("CREATE OR REPLACE TEMP TABLE s_rows AS " + rows)) {
          ps.setObject(1, from0);
          ps.setObject(2, until0);
          ps.execute();
        }
        st.execute("CREATE OR REPLACE TEMP TABLE s_items AS SELECT product_id, category, row_number() OVER (ORDER BY product_id, category) - 1 AS code"
            + " FROM (SELECT DISTINCT product_id, category FROM s_rows)");
        List<String> products = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT product_id, category FROM s_items ORDER BY code")) {
          while (rs.next()) {
            products.add(rs.getString(1));
            categories.add(rs.getString(2));
          }
        }
        String[] ids = db.keys.ids(db.conn, db.profilesVersion);
        try (ResultSet rs = st.executeQuery("SELECT r.pkey, i.code, r.price, r.quantity, epoch_us(r.ts) FROM s_rows r JOIN s_items i"
            + " ON i.product_id = r.product_id AND i.category IS NOT DISTINCT FROM r.category")) {
          while (rs.next()) {
            double p = rs.getDouble(3);
            boolean noPrice = rs.wasNull();
            double q = rs.getDouble(4);
            boolean noQuantity = rs.wasNull();
            int code = rs.getInt(2);
            long micros = rs.getLong(5);
            sink.accept(new Interaction(ids[(int) rs.getLong(1)], products.get(code), categories.get(code), noPrice ? Double.NaN : p,
                noQuantity ? 1 : q, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)));
          }
        }
        st.execute("DROP TABLE IF EXISTS temp.main.s_rows");
        st.execute("DROP TABLE IF EXISTS temp.main.s_items");
      } catch (SQLException e) {
        throw SqlFailures.of("the interactions query failed: ", e);
      }
    }
  }

  @Override
  public List<CohortCell> cohorts(String eventType, Instant asOf) {
    synchronized (db) {
      String sql = "WITH o AS (SELECT pkey, date_trunc('month', ts) AS m FROM events WHERE type = ? AND pkey IS NOT NULL AND ts <= ? GROUP BY pkey, m),"
          + " f AS (SELECT pkey, min(m) AS first FROM o GROUP BY pkey)"
          + " SELECT strftime(f.first, '%Y-%m'), date_diff('month', f.first, o.m), count(*) FROM o JOIN f ON f.pkey = o.pkey"
          + " GROUP BY 1, 2 ORDER BY 1, 2";
      List<CohortCell> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
        ps.setString(1, eventType);
        ps.setObject(2, LocalDateTime.ofInstant(asOf, ZoneOffset.UTC));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new CohortCell(rs.getString(1), rs.getInt(2), rs.getLong(3)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("the cohort query failed: ", e);
      }
    }
  }

  @Override
  public void purchaseDays(String eventType, String valueProperty, Instant asOf, Consumer<PurchaseDays> sink) {
    synchronized (db) {
      PropertyDef value = db.schema.property(valueProperty).filter(p -> p.type() == ValueType.NUMBER)
          .orElseThrow(() -> new UserException("'" + valueProperty + "' is not a number property"));
      String sql = "WITH d AS (SELECT pkey, date_trunc('day', ts) AS day, sum(COALESCE(" + Columns.quote(value.name()) + ", 0)) AS v FROM events"
          + " WHERE type = ? AND pkey IS NOT NULL AND ts <= ? GROUP BY pkey, day),"
          + " f AS (SELECT pkey, day, v, min(day) OVER (PARTITION BY pkey) AS first FROM d)"
          + " SELECT p.profile_id, count(*), min(f.day), max(f.day), sum(f.v), COALESCE(sum(f.v) FILTER (WHERE f.day > f.first), 0)"
          + " FROM f JOIN profiles p ON p.pkey = f.pkey GROUP BY p.profile_id ORDER BY p.profile_id";
      try (PreparedStatement ps = db.conn.prepareStatement(sql)) {
        ps.setString(1, eventType);
        ps.setObject(2, LocalDateTime.ofInstant(asOf, ZoneOffset.UTC));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(new PurchaseDays(rs.getString(1), rs.getInt(2),
                rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getDouble(5), rs.getDouble(6)));
          }
        }
      } catch (SQLException e) {
        throw SqlFailures.of("the purchase summary query failed: ", e);
      }
    }
  }
}
