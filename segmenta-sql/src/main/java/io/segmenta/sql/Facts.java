package io.segmenta.sql;

import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.Window;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The lifetime aggregates behind the computed traits, kept per profile in {@code profile_facts} as events arrive.
 *
 * <p>Why: a computed trait is a measure over the profile's whole history up to "as of" ({@code net_revenue} is
 * {@code sum(order.revenue) - sum(return.value)}). Read from the events, every report, clustering or lookalike pays a
 * grouped scan of all events (about 3 s for 25M events on two cores) for numbers that only change when events arrive.
 * Counts, sums, earliest and latest times are decomposable, so each write adds its own events' share to the kept
 * values instead of recomputing them: incremental maintenance of a materialised view by deltas (Gupta and Mumick,
 * "Maintenance of Materialized Views: Problems, Techniques, and Applications", IEEE Data Eng. Bull. 18(2), 1995),
 * which is how Segment's and Klaviyo's computed traits stay current too. Paths that move or remove events rather
 * than add them (anonymous events linked to a profile, merges, erasure) apply the same deltas or recompute the
 * profiles they touch.
 *
 * <p>The kept values are exact for any "as of" at or after the latest event they hold ({@link #through}); the
 * compiler reads them then and scans the events otherwise (a rule evaluated in the past, or an event stamped in the
 * future). Aggregates that are not decomposable (mode, first value) or that have a window are always scanned.
 *
 * <p>This class holds what is engine-neutral: the definitions, and the SQL that computes and combines them. The
 * engine adapter keeps the table ({@code profile_facts}: one row per profile, one column per fact) and runs it.
 */
public final class Facts {

  /** How a kept aggregate is computed from rows and combined across deltas. */
  public enum Kind {
    COUNT, SUM, FIRST, LAST;

    /** The column type of the kept value. */
    public String sqlType(Dialect dialect) {
      return switch (this) {
        case COUNT -> "BIGINT";
        case SUM -> dialect.sqlType(ValueType.NUMBER);
        case FIRST, LAST -> dialect.sqlType(ValueType.TIMESTAMP);
      };
    }
  }

  /** One kept aggregate over the events of one type that meet an optional filter. */
  public record Fact(String column, String eventType, Kind kind, String property, Rule filter) {}

  private final List<Fact> facts;
  private final Set<String> types;
  private final SqlCompiler compiler;

  private Facts(List<Fact> facts, SqlCompiler compiler) {
    this.facts = List.copyOf(facts);
    this.compiler = compiler;
    Set<String> t = new LinkedHashSet<>();
    facts.forEach(f -> t.add(f.eventType()));
    this.types = t;
  }

  /** The kept aggregates: every decomposable, all-time aggregate on the events table that a computed trait uses. */
  public static Facts of(Schema schema, SqlCompiler compiler) {
    Map<String, Fact> out = new LinkedHashMap<>();
    for (Measure m : ComputedTraits.all().values()) {
      collect(m, schema, out);
    }
    return new Facts(new ArrayList<>(out.values()), compiler);
  }

  private static void collect(Measure m, Schema schema, Map<String, Fact> out) {
    if (m instanceof Measure.Ratio r) {
      collect(r.numerator(), schema, out);
      collect(r.denominator(), schema, out);
      return;
    }
    if (m instanceof Measure.Difference d) {
      collect(d.left(), schema, out);
      collect(d.right(), schema, out);
      return;
    }
    Measure.Aggregate a = (Measure.Aggregate) m;
    Kind kind = kind(a);
    boolean onEvents = schema.eventType(a.eventType()).map(et -> !et.derived()).orElse(false);
    if (kind == null || !onEvents || !(a.window() instanceof Window.AllTime)) {
      return;
    }
    String key = a.eventType() + "|" + kind + "|" + a.property() + "|" + a.filter();
    if (!out.containsKey(key)) {
      String column = a.eventType() + "_" + kind.name().toLowerCase(Locale.ROOT)
          + (a.property() == null ? "" : "_" + a.property()) + (a.filter() == null ? "" : "_w" + out.size());
      out.put(key, new Fact(column.replaceAll("[^a-z0-9_]", "_"), a.eventType(), kind, a.property(), a.filter()));
    }
  }

  private static Kind kind(Measure.Aggregate a) {
    return switch (a.fn()) {
      case COUNT -> Kind.COUNT;
      case SUM -> Kind.SUM;
      case FIRST_TIME, DAYS_SINCE_FIRST, FIRST_MONTH -> Kind.FIRST;
      case LAST_TIME, DAYS_SINCE -> Kind.LAST;
      default -> null;
    };
  }

  public List<Fact> all() {
    return facts;
  }

  /** The kept column holding this aggregate's value, when there is one. */
  public Optional<Fact> find(Measure.Aggregate a) {
    Kind kind = kind(a);
    if (kind == null || !(a.window() instanceof Window.AllTime)) {
      return Optional.empty();
    }
    for (Fact f : facts) {
      if (f.kind() == kind && f.eventType().equals(a.eventType()) && Objects.equals(f.property(), a.property())
          && Objects.equals(f.filter(), a.filter())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** A text that changes whenever the kept columns or their definitions do. */
  public String signature() {
    StringBuilder s = new StringBuilder("1");
    for (Fact f : facts) {
      s.append(';').append(f.column()).append(':').append(f.eventType()).append(':').append(f.kind()).append(':')
          .append(f.property()).append(':').append(f.filter());
    }
    return s.toString();
  }

  /**
   * {@code SELECT <key>, <aggregate 1>, ... FROM <from> WHERE <where> AND e.type IN (...) GROUP BY 1}, over rows
   * aliased {@code e}, each aggregate filtered to its event type and filter as the compiler's scans filter them.
   */
  public SqlCompiler.SqlQuery aggregate(String key, String from, String where) {
    Dialect dialect = compiler.dialect();
    StringBuilder sql = new StringBuilder("SELECT ").append(key).append(" AS pkey");
    List<Object> params = new ArrayList<>();
    for (Fact f : facts) {
      SqlCompiler.SqlQuery rows = compiler.eventRows(f.eventType(), f.filter());
      String fn = switch (f.kind()) {
        case COUNT -> "count(*)";
        case SUM -> "sum(e." + dialect.quote(f.property()) + ")";
        case FIRST -> "min(e.ts)";
        case LAST -> "max(e.ts)";
      };
      sql.append(", CAST(").append(fn).append(" FILTER (WHERE ").append(rows.sql()).append(") AS ").append(f.kind().sqlType(dialect))
          .append(") AS ").append(dialect.quote(f.column()));
      params.addAll(rows.params());
    }
    sql.append(" FROM ").append(from).append(" WHERE ").append(where).append(" AND e.type IN (");
    int i = 0;
    for (String t : types) {
      sql.append(i++ > 0 ? ", " : "").append('?');
      params.add(t);
    }
    return new SqlCompiler.SqlQuery(sql.append(") GROUP BY 1").toString(), params);
  }

  /**
   * The assignments that add a delta row's values (alias {@code delta}) to the kept ones (table {@code kept}):
   * counts and sums add, a missing sum takes the other, the earliest and latest times keep the extreme.
   */
  public String combine(String kept, String delta) {
    StringBuilder set = new StringBuilder();
    for (int i = 0; i < facts.size(); i++) {
      String col = compiler.dialect().quote(facts.get(i).column());
      String k = kept + "." + col;
      String d = delta + "." + col;
      set.append(i > 0 ? ", " : "").append(col).append(" = ").append(switch (facts.get(i).kind()) {
        case COUNT -> k + " + " + d;
        case SUM -> "CASE WHEN " + k + " IS NULL THEN " + d + " WHEN " + d + " IS NULL THEN " + k + " ELSE " + k + " + " + d + " END";
        case FIRST -> "CASE WHEN " + k + " IS NULL OR " + d + " < " + k + " THEN " + d + " ELSE " + k + " END";
        case LAST -> "CASE WHEN " + k + " IS NULL OR " + d + " > " + k + " THEN " + d + " ELSE " + k + " END";
      });
    }
    return set.toString();
  }

  /** The kept event types, as a SQL list of literals (they come from the standard schema's identifiers). */
  public String typeList() {
    StringBuilder s = new StringBuilder();
    for (String t : types) {
      s.append(s.length() > 0 ? ", " : "").append('\'').append(t.replace("'", "''")).append('\'');
    }
    return s.toString();
  }
}
