package io.segmenta.duckdb;
import java.util.List;

/**
 * What differs between SQL engines in the SQL that rules compile to. The compiler writes standard SQL for
 * everything else; PostgreSQL and Spark SQL adapters implement this with their own functions.
 */
interface Dialect {

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

  /** The most frequent key of a histogram (a map value to count) aggregate; ties give the smallest key. */
  String mostFrequent(String histogram);

  /** An instant's month as "yyyy-MM". */
  String yearMonth(String instant);

  /** A parameter placeholder cast to the SQL type. */
  default String param(String sqlType) {
    return "CAST(? AS " + sqlType + ")";
  }
}
