package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.segmenta.sql.SqlCompiler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A value written in as a literal must be exactly the value DuckDB gets when it is bound: hostile text included
 * (quotes, backslashes, placeholders, comments, line breaks, unicode), and every number and time the compiler binds.
 */
class LiteralSqlTest {
  private static Connection c;

  @BeforeAll
  static void connect() throws Exception {
    c = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
  }

  @AfterAll
  static void close() throws Exception {
    c.close();
  }

  private static List<Object> bound(String sql, List<Object> params) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      return row(ps.executeQuery(), params.size());
    }
  }

  private static List<Object> inlined(String sql, List<Object> params) throws Exception {
    try (Statement st = c.createStatement()) {
      return row(st.executeQuery(LiteralSql.inline(new SqlCompiler.SqlQuery(sql, params))), params.size());
    }
  }

  private static List<Object> row(ResultSet rs, int n) throws Exception {
    rs.next();
    List<Object> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(rs.getObject(i));
    }
    return out;
  }

  @Test
  void inline_hostileText_readsAsTheBoundText() throws Exception {
    List<Object> texts = List.of("O'Brien", "''; DROP TABLE profiles; --", "back\\slash\\'", "what?", "\"quoted\"", "line\nbreak\ttab",
        "ünïcödé ✓ 😀", "", "$1 ? :x", "E'\\x41'");
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < texts.size(); i++) {
      sql.append(i > 0 ? ", " : "").append("CAST(? AS VARCHAR)");
    }
    assertEquals(bound(sql.toString(), texts), inlined(sql.toString(), texts));
    assertEquals(texts, inlined(sql.toString(), texts));
  }

  /**
   * A seeded fuzzer over the characters that matter to SQL text (quotes of both kinds, backslashes, question marks,
   * semicolons, comment starts, NUL and other control characters, letters outside ASCII and surrogate pairs): every
   * string must come back exactly as bound, and the tables must still be there.
   */
  @Test
  void inline_randomHostileText_readsAsTheBoundText() throws Exception {
    String[] pieces = {"'", "''", "\"", "\\", "?", ";", "--", "/*", "*/", "\u0000", "\n", "\r", "\t", "\u001b", "E'", "$$", "ø", "😀",
        "\u2028", "a", "DROP TABLE t", ")", "(", "%", "_", " "};
    Random random = new Random(20261205);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS fuzz_canary (x INTEGER)");
    }
    for (int round = 0; round < 400; round++) {
      List<Object> texts = new ArrayList<>();
      for (int k = 0; k < 5; k++) {
        StringBuilder t = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
          t.append(pieces[random.nextInt(pieces.length)]);
        }
        texts.add(t.toString());
      }
      String sql = "SELECT CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR)";
      assertEquals(texts, inlined(sql, texts), "round " + round);
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM fuzz_canary")) {
      rs.next();
      assertEquals(0, rs.getLong(1));
    }
  }

  @Test
  void inline_numbersAndTimes_readAsTheBoundValues() throws Exception {
    List<Object> values = List.of(0.1, -1.0e-300, 1.2345678901234567e20, 123456789.123, Double.NaN, Double.POSITIVE_INFINITY, 42L, true, false,
        LocalDateTime.parse("2025-06-30T23:00:00.000001"), LocalDateTime.parse("2024-02-29T00:00"), LocalDate.parse("2024-07-01"));
    String sql = "SELECT CAST(? AS DOUBLE), CAST(? AS DOUBLE), CAST(? AS DOUBLE), CAST(? AS DOUBLE), CAST(? AS DOUBLE), CAST(? AS DOUBLE),"
        + " ?, CAST(? AS BOOLEAN), CAST(? AS BOOLEAN), CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), CAST(? AS DATE)";
    assertEquals(bound(sql, values), inlined(sql, values));
  }

  @Test
  void inline_placeholderInQuotedTextOrIdentifier_isLeftAlone() {
    String sql = "SELECT '?' AS \"a?\", ? AS b WHERE 'it''s ?' <> ?";
    assertEquals("SELECT '?' AS \"a?\", 'x' AS b WHERE 'it''s ?' <> 'y'", LiteralSql.inline(new SqlCompiler.SqlQuery(sql, List.of("x", "y"))));
  }

  @Test
  void inline_parameterCountMismatch_throws() {
    assertThrows(IllegalArgumentException.class, () -> LiteralSql.inline(new SqlCompiler.SqlQuery("SELECT ?, ?", List.of("x"))));
    assertThrows(IllegalArgumentException.class, () -> LiteralSql.inline(new SqlCompiler.SqlQuery("SELECT ?", List.of("x", "y"))));
  }
}
