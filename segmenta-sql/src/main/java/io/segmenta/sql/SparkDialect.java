package io.segmenta.sql;

import io.segmenta.core.schema.ValueType;
import java.util.List;

/**
 * Spark SQL's functions (Spark 4.1), for the audience engine of segmenta-spark over the Parquet lake
 * (docs/lake.md). Only text: this module knows no Spark class.
 *
 * <p>Why each choice, where Spark differs from DuckDB (the reference is the in-memory evaluator, which both must
 * match member for member):
 * <ul>
 *   <li>instants are {@code TIMESTAMP_NTZ}: the lake's timestamps are UTC wall-clock times without a zone (DuckDB's
 *       {@code TIMESTAMP} in Parquet), and parameters bind as {@code LocalDateTime}, which Spark also reads as
 *       {@code TIMESTAMP_NTZ}; nothing then depends on the session's time zone;</li>
 *   <li>ANSI mode is switched off for the session ({@link #setup}): a division by zero or a failed cast gives a
 *       missing value, as in DuckDB and the evaluator, instead of failing the query;</li>
 *   <li>Spark's {@code exists}, {@code array_contains} and {@code arrays_overlap} are three-valued when a list holds a
 *       missing element; DuckDB's list functions skip missing elements, so the lists are filtered first;</li>
 *   <li>the mode is Spark's own {@code mode(x, true)} (deterministic: the smallest of tied values), so the
 *       "histogram" aggregate is already the most frequent value;</li>
 *   <li>list sizes are {@code array_size}: with ANSI mode off, {@code size(NULL)} is -1 rather than missing (the
 *       differential test's {@code interests not in ignoring case [...]} selected profiles without interests);</li>
 *   <li>regular expressions use {@code RLIKE} (Java's {@code Pattern.find}, as the evaluator does).</li>
 * </ul>
 */
public final class SparkDialect implements Dialect {
  public static final SparkDialect INSTANCE = new SparkDialect();

  private SparkDialect() {}

  @Override
  public List<String> setup() {
    return List.of("SET spark.sql.ansi.enabled = false", "SET spark.sql.session.timeZone = UTC");
  }

  @Override
  public String sqlType(ValueType t) {
    return switch (t) {
      case NUMBER -> "DOUBLE";
      case STRING -> "STRING";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP_NTZ";
      case STRING_LIST -> "ARRAY<STRING>";
    };
  }

  @Override
  public String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public String regexMatches(String value, String pattern, boolean ignoreCase) {
    return "(" + value + " RLIKE " + (ignoreCase ? "concat('(?i)', " + pattern + ")" : pattern) + ")";
  }

  @Override
  public String listAny(String list, String var, String predicate) {
    return "exists(" + list + ", " + var + " -> COALESCE(" + predicate + ", false))";
  }

  @Override
  public String listHasAny(String list, String otherList) {
    return "(array_size(array_intersect(filter(" + list + ", _ha -> _ha IS NOT NULL), " + otherList + ")) > 0)";
  }

  @Override
  public String listContains(String list, String element) {
    return "array_contains(filter(" + list + ", _lc -> _lc IS NOT NULL), " + element + ")";
  }

  @Override
  public String listLower(String list) {
    return "transform(" + list + ", _e -> lower(_e))";
  }

  @Override
  public String listLength(String list) {
    return "CAST(array_size(" + list + ") AS DOUBLE)";
  }

  @Override
  public String stringList(List<String> elements) {
    return "CAST(array(" + String.join(", ", elements) + ") AS ARRAY<STRING>)";
  }

  @Override
  public String contains(String string, String substring) {
    return "contains(" + string + ", " + substring + ")";
  }

  @Override
  public String startsWith(String string, String prefix) {
    return "startswith(" + string + ", " + prefix + ")";
  }

  @Override
  public String endsWith(String string, String suffix) {
    return "endswith(" + string + ", " + suffix + ")";
  }

  /**
   * GrowthBook's paddedVersionString (its SDK's {@code paddedVersionString}), as DuckDB's macros write it: drop a
   * leading "v" and build metadata, split on "-" and ".", add "~" after a bare major.minor.patch so a release sorts
   * after its pre-releases, left-pad numeric parts to five characters. The parts are bound once through a
   * one-element {@code transform}, since Spark SQL has no temporary macros.
   */
  @Override
  public String paddedVersion(String string) {
    String parts = "split(regexp_replace(CASE WHEN " + string + " = '' THEN '0' ELSE " + string + " END, '^v|[+].*$', ''), '[-.]')";
    return "element_at(transform(array(" + parts + "), _vp -> array_join(transform(CASE WHEN array_size(_vp) = 3 THEN concat(_vp, array('~'))"
        + " ELSE _vp END, _vx -> CASE WHEN _vx RLIKE '^[0-9]+$' AND length(_vx) < 5 THEN lpad(_vx, 5, ' ') ELSE _vx END), '-')), 1)";
  }

  @Override
  public String daysBetween(String from, String to) {
    return "CAST((unix_micros(CAST(" + to + " AS TIMESTAMP)) - unix_micros(CAST(" + from + " AS TIMESTAMP))) div 86400000000 AS DOUBLE)";
  }

  @Override
  public String plusSeconds(String instant, String seconds) {
    return "timestampadd(SECOND, CAST(" + seconds + " AS BIGINT), " + instant + ")";
  }

  @Override
  public String histogram(String value) {
    return "mode(" + value + ", true)";
  }

  @Override
  public String mostFrequent(String histogram) {
    return histogram;
  }

  @Override
  public String firstValue(String value, String time, String id) {
    return "min_by(" + value + ", CASE WHEN " + value + " IS NOT NULL THEN named_struct('t', " + time + ", 'id', " + id + ") END)";
  }

  @Override
  public String yearMonth(String instant) {
    return "date_format(" + instant + ", 'yyyy-MM')";
  }
}
