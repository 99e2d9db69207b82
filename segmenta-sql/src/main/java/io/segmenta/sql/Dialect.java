package io.segmenta.sql;

import io.segmenta.core.schema.ValueType;
import java.util.List;

/**
 * What differs between SQL engines in the SQL that rules compile to. The compiler writes standard SQL for
 * everything else (CASE, COALESCE, IN, BETWEEN, {@code count(*) FILTER (WHERE ...)}, CTEs, joins); an engine adapter
 * implements this with its own functions and types, and nothing engine-specific is written outside it.
 */
public interface Dialect {

  /** Statements run once on every new connection before any compiled query (macros, functions). */
  default List<String> setup() {
    return List.of();
  }

  /** The column type holding values of a schema type. */
  String sqlType(ValueType type);

  /** An identifier quoted (identifiers come from the schema, never from a user's value). */
  default String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** A parameter placeholder cast to the column type of {@code type}. */
  default String param(ValueType type) {
    return "CAST(? AS " + sqlType(type) + ")";
  }

  /** A boolean: does {@code value} match the regular expression bound at {@code pattern}? */
  String regexMatches(String value, String pattern, boolean ignoreCase);

  /** A boolean: does some element {@code x} of the list {@code list} satisfy {@code predicate} (written over var)? */
  String listAny(String list, String var, String predicate);

  /** A boolean: do the two lists share an element? */
  String listHasAny(String list, String otherList);

  /** A boolean: does the list contain the element? */
  String listContains(String list, String element);

  /** The list with every element lower-cased. */
  String listLower(String list);

  /** The number of elements of a list. */
  String listLength(String list);

  /** A literal list of the given element expressions, typed as a list of strings. */
  String stringList(List<String> elements);

  /** A boolean: does the string contain the substring? */
  String contains(String string, String substring);

  String startsWith(String string, String prefix);

  String endsWith(String string, String suffix);

  /** GrowthBook's padded version string of a string expression, comparable with plain string comparison. */
  String paddedVersion(String string);

  /** Whole days from instant {@code from} to instant {@code to}, rounded down (to is never before from). */
  String daysBetween(String from, String to);

  /** The instant {@code seconds} (an integer expression) after {@code instant}. */
  String plusSeconds(String instant, String seconds);

  /**
   * An aggregate: how often each non-missing value of {@code value} occurs over the group's rows, in a form
   * {@link #mostFrequent} reads.
   */
  String histogram(String value);

  /** The most frequent key of a {@link #histogram} aggregate; ties give the smallest key. */
  String mostFrequent(String histogram);

  /**
   * An aggregate: {@code value} at the group's earliest row that has one, ordered by {@code time}, ties broken by
   * the smallest {@code id}.
   */
  String firstValue(String value, String time, String id);

  /** An instant's month as "yyyy-MM". */
  String yearMonth(String instant);
}
