package io.segmenta.sql;

import io.segmenta.core.schema.ValueType;
import java.util.List;

/**
 * A dialect of made-up functions and types (every one starts with {@code TK_}), quoting identifiers with backticks as
 * Spark SQL does: whatever DuckDB SQL a compilation still contains was written outside the dialect.
 */
final class TokenDialect implements Dialect {
  @Override
  public List<String> setup() {
    return List.of("TK_SETUP");
  }

  @Override
  public String sqlType(ValueType type) {
    return "TK_" + type.name();
  }

  @Override
  public String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public String regexMatches(String value, String pattern, boolean ignoreCase) {
    return "TK_REGEX(" + value + ", " + pattern + ", " + ignoreCase + ")";
  }

  @Override
  public String listAny(String list, String var, String predicate) {
    return "TK_ANY(" + list + ", " + var + ", " + predicate + ")";
  }

  @Override
  public String listHasAny(String list, String otherList) {
    return "TK_HAS_ANY(" + list + ", " + otherList + ")";
  }

  @Override
  public String listContains(String list, String element) {
    return "TK_LIST_CONTAINS(" + list + ", " + element + ")";
  }

  @Override
  public String listLower(String list) {
    return "TK_LIST_LOWER(" + list + ")";
  }

  @Override
  public String listLength(String list) {
    return "TK_LIST_LENGTH(" + list + ")";
  }

  @Override
  public String stringList(List<String> elements) {
    return "TK_LIST(" + String.join(", ", elements) + ")";
  }

  @Override
  public String contains(String string, String substring) {
    return "TK_CONTAINS(" + string + ", " + substring + ")";
  }

  @Override
  public String startsWith(String string, String prefix) {
    return "TK_STARTS(" + string + ", " + prefix + ")";
  }

  @Override
  public String endsWith(String string, String suffix) {
    return "TK_ENDS(" + string + ", " + suffix + ")";
  }

  @Override
  public String paddedVersion(String string) {
    return "TK_VERSION(" + string + ")";
  }

  @Override
  public String daysBetween(String from, String to) {
    return "TK_DAYS(" + from + ", " + to + ")";
  }

  @Override
  public String plusSeconds(String instant, String seconds) {
    return "TK_PLUS_SECONDS(" + instant + ", " + seconds + ")";
  }

  @Override
  public String histogram(String value) {
    return "TK_HISTOGRAM(" + value + ")";
  }

  @Override
  public String mostFrequent(String histogram) {
    return "TK_MOST_FREQUENT(" + histogram + ")";
  }

  @Override
  public String firstValue(String value, String time, String id) {
    return "TK_FIRST_VALUE(" + value + ", " + time + ", " + id + ")";
  }

  @Override
  public String yearMonth(String instant) {
    return "TK_MONTH(" + instant + ")";
  }
}
