package io.segmenta.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.FunnelCounts;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.sql.FunnelSql;
import io.segmenta.sql.SqlCompiler;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.ProfilerPrintFormat;

/**
 * A funnel ({@link AudienceQuery.Funnel}) on DuckDB: the compiled {@link FunnelSql} query, run once with DuckDB's
 * profiler on, so the answer carries the engine's own count of rows its scans read (the {@code rows_scanned} metrics
 * of its JSON profile, DuckDB's EXPLAIN ANALYZE numbers without a second run) and the query's time.
 */
final class FunnelQuery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FunnelQuery() {}

  static FunnelCounts run(Db db, AudienceQuery.Funnel q) {
    synchronized (db) {
      List<String> consent = new ArrayList<>();
      for (Purpose p : q.purposes()) {
        consent.add(ConsentPolicy.sqlAllowed(p, "(SELECT c.granted FROM consents c WHERE c.pkey = _funnel._pk AND c.purpose = '" + p.label()
            + "' ORDER BY " + ConsentPolicy.sqlLatestFirst("c.ts", "c.granted") + " LIMIT 1)"));
      }
      SqlCompiler.SqlQuery sql = FunnelSql.funnel(db.compiler(), q.steps(), q.asOf(), q.modulus(), consent);
      int n = q.steps().size();
      long[] after = new long[n];
      long[] reach = new long[q.purposes().size()];
      long read;
      long started = System.nanoTime();
      try (Statement st = db.conn.createStatement()) {
        st.execute("PRAGMA enable_profiling = 'no_output'");
        try (ResultSet rs = st.executeQuery(LiteralSql.inline(sql))) {
          rs.next();
          read = rs.getLong(1);
          for (int i = 0; i < n; i++) {
            after[i] = rs.getLong(2 + i);
          }
          for (int p = 0; p < reach.length; p++) {
            reach[p] = rs.getLong(2 + n + p);
          }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long[] scanned = rowsScanned(db.conn.getProfilingInformation(ProfilerPrintFormat.JSON));
        return new FunnelCounts(read, after, reach, scanned[0], scanned[1], millis);
      } catch (SQLException e) {
        throw SqlFailures.of("the funnel query failed: ", e);
      } finally {
        try (Statement st = db.conn.createStatement()) {
          st.execute("PRAGMA disable_profiling");
        } catch (SQLException ignored) {
          // Profiling only adds timings; a failure to switch it off leaves every later answer right.
        }
      }
    }
  }

  /**
   * The rows the scans read, from DuckDB's JSON profile ({@code rows_scanned} of each table scan, found wherever it
   * sits in the operator tree): all tables, and the event tables alone; -1 each when the profile has none.
   */
  static long[] rowsScanned(String profile) {
    try {
      long[] sum = {0, 0, 0};
      walk(JSON.readTree(profile), sum);
      return sum[2] == 0 ? new long[] {-1, -1} : new long[] {sum[0], sum[1]};
    } catch (Exception e) {
      return new long[] {-1, -1};
    }
  }

  private static void walk(JsonNode node, long[] sum) {
    if (node.isObject() && node.has("rows_scanned")) {
      long n = node.get("rows_scanned").asLong();
      sum[0] += n;
      String table = node.path("extra_info").path("Table").asText("");
      if (table.endsWith(".events") || table.endsWith(".order_lines")) {
        sum[1] += n;
      }
      sum[2]++;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        walk(child, sum);
      }
    }
  }
}
