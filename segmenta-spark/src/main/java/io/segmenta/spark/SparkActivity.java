package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Activity;
import io.segmenta.core.port.CohortCell;
import io.segmenta.core.port.Interaction;
import io.segmenta.core.port.PurchaseDays;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.sql.SparkDialect;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;

/**
 * The {@link Activity} port on Spark: purchase days (what the CLV summaries of {@code ClvScoring} read), monthly
 * cohorts and product interactions, read from the lake's {@code events} and {@code order_lines} with the same
 * grouping as the embedded store's queries (UTC days and months of the events' UTC wall-clock times), so core's
 * CLV and retention code gives the same figures on both engines.
 */
public final class SparkActivity implements Activity {
  private final SparkLake lake;

  public SparkActivity(SparkLake lake) {
    this.lake = lake;
  }

  @Override
  public void interactions(String eventType, Instant from, Instant until, Consumer<Interaction> sink) {
    String rows;
    if (eventType.equals("order_line")) {
      rows = "SELECT p.profile_id, l.product_id, l.category, CAST(l.unit_price AS DOUBLE), CAST(l.quantity AS DOUBLE), l.ts FROM order_lines l"
          + " JOIN profiles p ON p.pkey = l.pkey WHERE l.event_type = 'order' AND l.product_id IS NOT NULL AND l.ts >= ? AND l.ts < ?";
    } else {
      EventTypeDef def = lake.schema().eventType(eventType).orElseThrow(() -> new UserException("unknown event type '" + eventType + "'"));
      if (!def.properties().contains("product_id")) {
        throw new UserException("event type '" + eventType + "' has no product_id property; it has " + String.join(", ", def.properties()));
      }
      String category = def.properties().contains("category") ? "e.category" : "CAST(NULL AS STRING)";
      String price = def.properties().contains("price") ? "CAST(e.price AS DOUBLE)" : "CAST(NULL AS DOUBLE)";
      String quantity = def.properties().contains("quantity") ? "CAST(e.quantity AS DOUBLE)" : "CAST(1 AS DOUBLE)";
      rows = "SELECT p.profile_id, e.product_id, " + category + ", " + price + ", " + quantity + ", e.ts FROM events e JOIN profiles p ON p.pkey = e.pkey"
          + " WHERE e.type = ? AND e.product_id IS NOT NULL AND e.ts >= ? AND e.ts < ?";
    }
    List<Object> params = new ArrayList<>();
    if (!eventType.equals("order_line")) {
      params.add(eventType);
    }
    params.add(LocalDateTime.ofInstant(from, ZoneOffset.UTC));
    params.add(LocalDateTime.ofInstant(until, ZoneOffset.UTC));
    Iterator<Row> it = lake.query(rows, params).toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      sink.accept(new Interaction(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getString(2), SparkValues.number(r, 3, Double.NaN),
          SparkValues.number(r, 4, 1), SparkValues.instant(r.get(5))));
    }
  }

  /** Months counted as calendar months between the first month and the active one, as DuckDB's {@code date_diff('month', ...)}. */
  @Override
  public List<CohortCell> cohorts(String eventType, Instant asOf) {
    String sql = "WITH o AS (SELECT pkey, year(ts) * 12 + month(ts) - 1 AS m FROM events WHERE type = ? AND pkey IS NOT NULL AND ts <= ?"
        + " GROUP BY pkey, year(ts) * 12 + month(ts) - 1),"
        + " f AS (SELECT pkey, min(m) AS first FROM o GROUP BY pkey)"
        + " SELECT f.first, o.m - f.first, count(*) FROM o JOIN f ON f.pkey = o.pkey GROUP BY f.first, o.m - f.first ORDER BY 1, 2";
    List<CohortCell> out = new ArrayList<>();
    for (Row r : lake.query(sql, List.of(eventType, LocalDateTime.ofInstant(asOf, ZoneOffset.UTC))).collectAsList()) {
      int first = r.getInt(0);
      out.add(new CohortCell(String.format("%04d-%02d", first / 12, first % 12 + 1), r.getInt(1), r.getLong(2)));
    }
    return out;
  }

  @Override
  public void purchaseDays(String eventType, String valueProperty, Instant asOf, Consumer<PurchaseDays> sink) {
    PropertyDef value = lake.schema().property(valueProperty).filter(p -> p.type() == ValueType.NUMBER)
        .orElseThrow(() -> new UserException("'" + valueProperty + "' is not a number property"));
    String sql = "WITH d AS (SELECT pkey, CAST(to_date(ts) AS TIMESTAMP_NTZ) AS day, sum(COALESCE(CAST(" + SparkDialect.INSTANCE.quote(value.name())
        + " AS DOUBLE), 0)) AS v FROM events WHERE type = ? AND pkey IS NOT NULL AND ts <= ? GROUP BY pkey, CAST(to_date(ts) AS TIMESTAMP_NTZ)),"
        + " f AS (SELECT pkey, day, v, min(day) OVER (PARTITION BY pkey) AS first FROM d)"
        + " SELECT p.profile_id, count(*), min(f.day), max(f.day), sum(f.v), COALESCE(sum(f.v) FILTER (WHERE f.day > f.first), 0)"
        + " FROM f JOIN profiles p ON p.pkey = f.pkey GROUP BY p.profile_id ORDER BY p.profile_id";
    Iterator<Row> it = lake.query(sql, List.of(eventType, LocalDateTime.ofInstant(asOf, ZoneOffset.UTC))).toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      sink.accept(new PurchaseDays(r.getString(0), (int) r.getLong(1), SparkValues.instant(r.get(2)), SparkValues.instant(r.get(3)),
          SparkValues.number(r, 4, 0), SparkValues.number(r, 5, 0)));
    }
  }
}
