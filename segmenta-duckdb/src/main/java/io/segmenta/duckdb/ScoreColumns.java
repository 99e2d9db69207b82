package io.segmenta.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.Scores;
import java.io.IOException;
import java.util.TreeMap;
import io.segmenta.core.StoreException;
import io.segmenta.core.UserException;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.duckdb.DuckDBAppender;
import io.segmenta.core.Preconditions;

/**
 * Population scores: the values of SCORE traits replaced for everyone at once, with the instant they were scored at. Takes the store's lock ({@link Db}) as the store did.
 */
final class ScoreColumns implements Scores {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Db db;

  ScoreColumns(Db db) {
    this.db = db;
  }

  @Override
  public void writeScores(ScoreProvenance provenance, List<String> traits, Map<String, List<Value>> scores) {
    synchronized (db) {
      List<TraitDef> defs = scoreTraits(traits);
      stageScores(defs, a -> {
        for (Map.Entry<String, List<Value>> e : scores.entrySet()) {
          a.beginRow().append(e.getKey());
          for (int i = 0; i < defs.size(); i++) {
            StagedWrites.append(a, e.getValue().get(i), defs.get(i).type());
          }
          a.endRow();
        }
      });
      replaceScores(provenance, defs);
    }
  }

  @Override
  public void writeScores(ScoreProvenance provenance, String trait, String[] ids, double[] values) {
    synchronized (db) {
      Preconditions.checkArgument(ids.length == values.length, "%s ids for %s values", ids.length, values.length);
      List<TraitDef> defs = scoreTraits(List.of(trait));
      if (defs.get(0).type() != ValueType.NUMBER) {
        throw new UserException("'" + trait + "' is not a number trait");
      }
      // Both arrays go in as one row of two lists, unnested side by side in SQL: half the time of a row per profile.
      try (Statement st = db.conn.createStatement()) {
        st.execute("CREATE OR REPLACE TEMP TABLE s_lists(ids VARCHAR[], v DOUBLE[])");
        try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_lists")) {
          a.beginRow().append(Arrays.asList(ids));
          a.append(values);
          a.endRow();
        }
        st.execute("CREATE OR REPLACE TEMP TABLE s_scores AS SELECT profile_id, CASE WHEN isnan(v) THEN NULL ELSE v END AS "
            + Columns.quote(trait) + " FROM (SELECT unnest(ids) AS profile_id, unnest(v) AS v FROM s_lists)");
        st.execute("DROP TABLE temp.main.s_lists");
      } catch (SQLException e) {
        throw SqlFailures.of("could not stage scores: ", e);
      }
      replaceScores(provenance, defs);
    }
  }

  private List<TraitDef> scoreTraits(List<String> traits) {
    List<TraitDef> defs = new ArrayList<>();
    for (String t : traits) {
      TraitDef d = db.schema.trait(t).orElseThrow(() -> new UserException("unknown trait '" + t + "'"));
      if (d.family() != Family.SCORE) {
        throw new UserException("'" + t + "' is not a score trait");
      }
      defs.add(d);
    }
    return defs;
  }

  @FunctionalInterface
  private interface Rows {
    void append(DuckDBAppender a) throws SQLException;
  }

  private void stageScores(List<TraitDef> defs, Rows rows) {
    try (Statement st = db.conn.createStatement()) {
      StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_scores(profile_id VARCHAR");
      defs.forEach(d -> ddl.append(", ").append(Columns.quote(d.name())).append(' ').append(Columns.sqlType(d.type())));
      st.execute(ddl.append(")").toString());
      try (DuckDBAppender a = db.conn.createAppender("temp", "main", "s_scores")) {
        rows.append(a);
      }
    } catch (SQLException e) {
      throw SqlFailures.of("could not stage scores: ", e);
    }
  }

  /** Every profile's score columns become the staged values (none for profiles not staged), in one pass. */
  private void replaceScores(ScoreProvenance provenance, List<TraitDef> defs) {
    db.transaction(() -> {
      try (Statement st = db.conn.createStatement()) {
        StringBuilder set = new StringBuilder("UPDATE profiles SET ");
        StringBuilder staged = new StringBuilder("SELECT p.pkey");
        for (int i = 0; i < defs.size(); i++) {
          String c = Columns.quote(defs.get(i).name());
          set.append(i > 0 ? ", " : "").append(c).append(" = s.").append(c);
          staged.append(", s.").append(c);
        }
        staged.append(" FROM profiles p LEFT JOIN s_scores s ON s.profile_id = p.profile_id");
        st.executeUpdate(set.append(" FROM (").append(staged).append(") s WHERE profiles.pkey = s.pkey").toString());
      }
      try (PreparedStatement ps = db.conn.prepareStatement("INSERT OR REPLACE INTO meta VALUES (?, ?)")) {
        for (TraitDef d : defs) {
          ps.setString(1, "scored:" + d.name());
          ps.setString(2, provenance.asOf().toString());
          ps.executeUpdate();
          // Beside the as-of instant (what databases before provenance hold), the model that wrote the trait.
          ps.setString(1, "scored_by:" + d.name());
          ps.setString(2, toJson(provenance));
          ps.executeUpdate();
        }
      }
      try (Statement st = db.conn.createStatement()) {
        st.execute("DROP TABLE IF EXISTS temp.main.s_scores");
      }
      return null;
    });
  }

  @Override
  public Optional<ScoreProvenance> provenance(String trait) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT key, value FROM meta WHERE key IN (?, ?)")) {
        ps.setString(1, "scored:" + trait);
        ps.setString(2, "scored_by:" + trait);
        String at = null;
        String by = null;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getString(1).startsWith("scored_by:")) {
              by = rs.getString(2);
            } else {
              at = rs.getString(2);
            }
          }
        }
        if (by != null) {
          return Optional.of(fromJson(by));
        }
        // Scored before provenance was kept: only the instant is known.
        return at == null ? Optional.empty()
            : Optional.of(new ScoreProvenance("unknown", Map.of(), null, Instant.parse(at), Instant.parse(at), ""));
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the meta table: ", e);
      }
    }
  }

  private static String toJson(ScoreProvenance p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", p.model());
    ObjectNode params = o.putObject("parameters");
    p.parameters().forEach(params::put);
    if (p.seed() != null) {
      o.put("seed", p.seed());
    }
    o.put("asOf", p.asOf().toString());
    o.put("computedAt", p.computedAt().toString());
    o.put("command", p.command());
    return o.toString();
  }

  private static ScoreProvenance fromJson(String json) {
    try {
      JsonNode o = JSON.readTree(json);
      Map<String, String> params = new TreeMap<>();
      o.path("parameters").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      return new ScoreProvenance(o.path("model").asText(), params, o.hasNonNull("seed") ? o.get("seed").asLong() : null,
          Instant.parse(o.path("asOf").asText()), Instant.parse(o.path("computedAt").asText()), o.path("command").asText());
    } catch (IOException | RuntimeException e) {
      throw new StoreException("a score's provenance in the meta table is not readable: " + e.getMessage(), e);
    }
  }

}
