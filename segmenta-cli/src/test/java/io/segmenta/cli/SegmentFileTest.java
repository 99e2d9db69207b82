package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.rule.RuleText;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentFileTest {
  @Test
  void parse_linesCommentsContinuationsAndJson() {
    List<SegmentFile.Entry> e = SegmentFile.parse("s.txt", String.join("\n", "\uFEFF# my segments", "", "adults: age >= 18",
        "big-spenders: sum(order.revenue in last 365 days) > 500", "  and count(order) >= 2", "dk: {\"country\": \"DK\"}", ""));
    assertEquals(List.of("adults", "big-spenders", "dk"), e.stream().map(SegmentFile.Entry::name).toList());
    assertEquals(RuleText.parseRule("sum(order.revenue in last 365 days) > 500 and count(order) >= 2"), e.get(1).rule());
    assertEquals(4, e.get(1).line());
    assertEquals(RuleText.parseRule("country is \"DK\""), e.get(2).rule());
  }

  @Test
  void parse_errorsNameLineAndColumn() {
    assertEquals("s.txt:2: expected 'name: rule', got 'age > 3'", message("a: age > 1\nage > 3"));
    assertEquals("s.txt:1: a segment name is lower-case letters, digits, '_' or '-' (up to 63), got 'Big Spenders'", message("Big Spenders: age > 1"));
    assertEquals("s.txt:3: segment 'a' is already defined on line 1", message("a: age > 1\nb: age > 2\na: age > 3"));
    assertEquals("s.txt:1: segment 'a' has no rule after the ':'", message("a:   "));
    assertEquals("s.txt:1: a continued rule (a line starting with a space) needs a 'name: rule' line above it", message("  and age > 3"));
    String m = message("ok: age > 1\nbad: age >> 3");
    assertTrue(m.startsWith("s.txt:2, column 11: segment 'bad': "), m);
    String cont = message("bad: age > 1\n  and and");
    assertTrue(cont.startsWith("s.txt:2, column 7: segment 'bad': "), cont);
  }

  @Test
  void parse_randomInputOnlyEverFailsWithALineNumber() {
    SplittableRandom r = new SplittableRandom(14);
    String alphabet = "ab:# \t\n\r{}\"()=<>!,.[]0123456789_-\\\uFEFFé";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(40);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      try {
        SegmentFile.parse("f.txt", sb.toString());
      } catch (UserException e) {
        assertTrue(e.getMessage().matches("(?s)f\\.txt:\\d+[:,].*"), () -> "no line in: " + e.getMessage() + " for input " + sb);
      }
    }
  }

  private static String message(String text) {
    return assertThrows(UserException.class, () -> SegmentFile.parse("s.txt", text)).getMessage();
  }
}
