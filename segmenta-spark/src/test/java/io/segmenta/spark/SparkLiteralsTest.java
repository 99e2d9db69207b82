package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Date;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Values written into compiled SQL as literals come back from Spark as the values they were, and a {@code ?} in a
 * string literal, a back-quoted name or a comment is not a placeholder: a corpus of awkward cases, and a seeded
 * fuzzer of strings made of quotes, backslashes, question marks, control characters and non-ASCII text, all
 * checked in one Spark query.
 */
class SparkLiteralsTest {
  private static final char[] ALPHABET = "ab?'\"`\\\n\t\r-;/*æøå€ ".toCharArray();

  @Test
  void inline_placeholdersOutsideQuotesOnly() {
    String sql = "SELECT '(?i)' AS a, `c?l` AS b, ? AS c -- what? \n, \"x?\" AS d, ? AS e";
    assertEquals("SELECT '(?i)' AS a, `c?l` AS b, 'x' AS c -- what? \n, \"x?\" AS d, CAST(1 AS BIGINT) AS e",
        SparkLiterals.inline(sql, List.of("x", 1L)));
    assertEquals("SELECT 'it\\'s'", SparkLiterals.inline("SELECT ?", List.of("it's")));
  }

  @Test
  void inline_countMismatch_namesParams() {
    IllegalArgumentException more = assertThrows(IllegalArgumentException.class, () -> SparkLiterals.inline("SELECT ?, ?", List.of("a")));
    assertEquals("params: the query has more placeholders than its 1 parameters", more.getMessage());
    IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class, () -> SparkLiterals.inline("SELECT ?", List.of("a", "b")));
    assertEquals("params: 2 parameters for 1 placeholders", fewer.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SparkLiterals.inline("SELECT 'open ?", List.of()));
  }

  @Test
  void literal_corpusAndFuzz_sparkReadsTheSameValues() {
    List<Object> values = new ArrayList<>(Arrays.asList("", "it's", "back\\slash", "\\'", "tab\tand\nnewline", "null\0byte", "æøå €",
        "😀", "?", "--", "'; DROP TABLE profiles; --"));
    SplittableRandom random = new SplittableRandom(20261205);
    for (int i = 0; i < 300; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(12);
      for (int k = 0; k < n; k++) {
        s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
      }
      values.add(s.toString());
    }
    List<Object> others = List.of(0.1 + 0.2, -0.0, 1e300, Double.MAX_VALUE, Double.MIN_VALUE, 42L, true, false,
        LocalDate.of(1900, 1, 1), LocalDate.of(2199, 12, 31), LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000),
        LocalDateTime.of(1970, 1, 1, 0, 0));
    StringBuilder sql = new StringBuilder("SELECT ");
    List<Object> all = new ArrayList<>(values);
    all.addAll(others);
    for (int i = 0; i < all.size(); i++) {
      sql.append(i > 0 ? ", " : "").append("? AS c").append(i);
    }
    sql.append(", ? AS n");
    all.add(null);
    Row row = SharedSpark.get().newSession().sql(SparkLiterals.inline(sql.toString(), all)).first();
    for (int i = 0; i < all.size(); i++) {
      Object expected = all.get(i);
      Object actual = row.get(i);
      if (expected instanceof LocalDate d) {
        actual = ((Date) actual).toLocalDate();
      }
      assertEquals(expected, actual, "literal " + i + ": " + SparkLiterals.literal(expected));
    }
  }
}
