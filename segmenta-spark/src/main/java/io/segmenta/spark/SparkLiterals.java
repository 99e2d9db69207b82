package io.segmenta.spark;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes a compiled query's parameters into its text as typed Spark SQL literals, placeholder by placeholder.
 *
 * <p>Why not Spark's own positional parameters ({@code spark.sql(text, args)}): with them, the differential test's
 * rule {@code first_month(order in last 162 days) >= "2024-12"} (a marker in the {@code HAVING} of a {@code WITH}
 * query) selected nobody on Spark 4.1 where DuckDB selects 49 profiles, and the same query with the values written
 * in as literals selects DuckDB's 49 (the cause inside Spark was not traced further). Literals also make the query
 * that runs the query that is logged. The text is scanned as Spark's lexer reads it: a {@code ?} inside a string
 * literal ({@code '(?i)'}), a back-quoted identifier or a comment is not a placeholder.
 */
final class SparkLiterals {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  private SparkLiterals() {}

  /** The SQL with its placeholders replaced by the literals of {@code params}, in order. */
  static String inline(String sql, List<Object> params) {
    StringBuilder out = new StringBuilder(sql.length() + params.size() * 16);
    int next = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = closing(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? sql.length() : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '?') {
        if (next >= params.size()) {
          throw new IllegalArgumentException("params: the query has more placeholders than its " + params.size() + " parameters");
        }
        out.append(literal(params.get(next++)));
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    if (next != params.size()) {
      throw new IllegalArgumentException("params: " + params.size() + " parameters for " + next + " placeholders");
    }
    return out.toString();
  }

  /** The index after the quote closing the one at {@code start}; a backslash escapes inside string literals. */
  private static int closing(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        if (quote == '`' && i + 1 < sql.length() && sql.charAt(i + 1) == '`') {
          i += 2; // a doubled back quote inside an identifier
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("sql: unclosed " + quote + " from offset " + start);
  }

  /** A Spark SQL literal of the value, typed as segmenta-sql's ParamValues made it. */
  static String literal(Object v) {
    if (v == null) {
      return "NULL";
    } else if (v instanceof String s) {
      return string(s);
    } else if (v instanceof Double d) {
      return "CAST('" + d + "' AS DOUBLE)";
    } else if (v instanceof Float f) {
      return "CAST('" + f + "' AS DOUBLE)";
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return "CAST(" + v + " AS BIGINT)";
    } else if (v instanceof Boolean b) {
      return b ? "true" : "false";
    } else if (v instanceof LocalDate d) {
      return "DATE'" + d + "'";
    } else if (v instanceof LocalDateTime t) {
      return "TIMESTAMP_NTZ'" + TIMESTAMP.format(t) + "'";
    }
    throw new IllegalArgumentException("params: no Spark literal for a " + v.getClass().getSimpleName());
  }

  /** A string literal: Spark reads a backslash as an escape, so backslashes and quotes are escaped. */
  static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\0' -> b.append("\\0");
        default -> b.append(c);
      }
    }
    return b.append('\'').toString();
  }
}
