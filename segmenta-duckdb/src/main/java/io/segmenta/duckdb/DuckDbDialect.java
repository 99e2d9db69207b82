package io.segmenta.duckdb;

import io.segmenta.core.schema.ValueType;
import io.segmenta.sql.Dialect;
import java.util.List;

/** DuckDB's functions (2.0: lambdas are written {@code lambda x: ...}, the arrow form is deprecated). */
final class DuckDbDialect implements Dialect {
  static final DuckDbDialect INSTANCE = new DuckDbDialect();

  /** Macros created once per connection, used by {@link #paddedVersion}. */
  private static final List<String> MACROS = List.of(
      "CREATE OR REPLACE TEMP MACRO sg_vparts(s) AS string_split_regex(regexp_replace(CASE WHEN s = '' THEN '0' ELSE s END, '^v|\\+.*$', '', 'g'), '[-.]')",
      "CREATE OR REPLACE TEMP MACRO sg_vpad(p) AS array_to_string(list_transform(CASE WHEN len(p) = 3 THEN list_append(p, '~') ELSE p END,"
          + " lambda x: CASE WHEN regexp_full_match(x, '[0-9]+') AND length(x) < 5 THEN lpad(x, 5, ' ') ELSE x END), '-')");

  private DuckDbDialect() {}

  @Override
  public List<String> setup() {
    return MACROS;
  }

  @Override
  public String sqlType(ValueType t) {
    return switch (t) {
      case NUMBER -> "DOUBLE";
      case STRING -> "VARCHAR";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
      case STRING_LIST -> "VARCHAR[]";
    };
  }

  @Override
  public String regexMatches(String value, String pattern, boolean ignoreCase) {
    return "regexp_matches(" + value + ", " + pattern + (ignoreCase ? ", 'i')" : ")");
  }

  @Override
  public String listAny(String list, String var, String predicate) {
    return "(len(list_filter(" + list + ", lambda " + var + ": " + predicate + ")) > 0)";
  }

  @Override
  public String listHasAny(String list, String otherList) {
    return "list_has_any(" + list + ", " + otherList + ")";
  }

  @Override
  public String listContains(String list, String element) {
    return "list_contains(" + list + ", " + element + ")";
  }

  @Override
  public String listLower(String list) {
    return "list_transform(" + list + ", lambda _e: lower(_e))";
  }

  @Override
  public String listLength(String list) {
    return "CAST(len(" + list + ") AS DOUBLE)";
  }

  @Override
  public String stringList(List<String> elements) {
    return "CAST([" + String.join(", ", elements) + "] AS VARCHAR[])";
  }

  @Override
  public String contains(String string, String substring) {
    return "contains(" + string + ", " + substring + ")";
  }

  @Override
  public String startsWith(String string, String prefix) {
    return "starts_with(" + string + ", " + prefix + ")";
  }

  @Override
  public String endsWith(String string, String suffix) {
    return "suffix(" + string + ", " + suffix + ")";
  }

  @Override
  public String paddedVersion(String string) {
    return "sg_vpad(sg_vparts(" + string + "))";
  }

  @Override
  public String mostFrequent(String histogram) {
    return "(list_sort(list_transform(map_entries(" + histogram + "), lambda _h: {'n': -CAST(_h.value AS BIGINT), 'k': _h.key}))[1]).k";
  }

  @Override
  public String histogram(String value) {
    return "histogram(" + value + ")";
  }

  @Override
  public String firstValue(String value, String time, String id) {
    return "arg_min(" + value + ", CASE WHEN " + value + " IS NOT NULL THEN {'t': " + time + ", 'id': " + id + "} END)";
  }

  @Override
  public String plusSeconds(String instant, String seconds) {
    return instant + " + to_seconds(CAST(" + seconds + " AS BIGINT))";
  }

  @Override
  public String yearMonth(String instant) {
    return "strftime(" + instant + ", '%Y-%m')";
  }

  @Override
  public String daysBetween(String from, String to) {
    return "CAST((epoch_us(" + to + ") - epoch_us(" + from + ")) // 86400000000 AS DOUBLE)";
  }
}
