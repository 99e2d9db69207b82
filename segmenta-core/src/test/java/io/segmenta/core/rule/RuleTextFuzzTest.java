package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.segmenta.core.rule.json.RuleJson;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * No input makes the parsers throw anything but their own {@link RuleException}: random bytes, random token soup,
 * and mutations (deletions, insertions, swaps) of valid rules. Whatever does parse must print and re-parse equal.
 */
class RuleTextFuzzTest {
  private static final List<String> SEEDS = List.of(
      "count(order in last 90 days) >= 2 and sum(return.value in last 90 days) / sum(order.revenue in last 90 days) > 0.5",
      "country in [\"DK\", \"NO\"] and not (age < 18 or age missing)",
      "interests any { starts with \"tr\", != \"x\" } and tags all ignoring case [\"a\", { > \"b\" }]",
      "`weird key`.x version >= \"1.2.3\" or none(segment \"students\", city matches ignoring case \"^k\")",
      "first_time(order where coupon exists from 2024-01-01 to 2024-03-31) < 2024-02-01T10:00:00Z",
      "all() and any() and x is {\"a\": [1, null, true]} and y size { > 1, <= 3 }");
  private static final String[] TOKENS = {"(", ")", "[", "]", "{", "}", ",", ".", "/", ":", "=", "!=", "<", "<=", ">",
      ">=", "and", "or", "not", "in", "last", "days", "where", "count(", "sum(", "order", "\"x\"", "1", "-2.5", "2024-01-01",
      "is", "type", "any", "all", "none", "segment", "between", "matches", "`q`", "null", "true", "from", "to", "version",
      "size", "exists", "missing", "starts", "ends", "with", "ignoring", "case", "#c\n", "\"\\u00e9\"", "1e400", "\"unterminated"};

  @Test
  void parse_neverThrowsAnythingElse() {
    SplittableRandom r = new SplittableRandom(12345);
    int parsed = 0;
    for (int i = 0; i < 30_000; i++) {
      String input = switch (i % 3) {
        case 0 -> randomChars(r);
        case 1 -> tokenSoup(r);
        default -> mutate(r, SEEDS.get(r.nextInt(SEEDS.size())));
      };
      if (tryParse(input)) {
        parsed++;
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(parsed > 100, "the fuzzer should also produce valid rules, got " + parsed);
  }

  @Test
  void parse_deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "(".repeat(50_000) + "a = 1" + ")".repeat(50_000);
    RuleException e = org.junit.jupiter.api.Assertions.assertThrows(RuleException.class, () -> RuleText.parse(deep));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("nested more than"), e.getMessage());
    String deepNot = "not ".repeat(50_000) + "a = 1";
    org.junit.jupiter.api.Assertions.assertThrows(RuleException.class, () -> RuleText.parse(deepNot));
  }

  @Test
  void parseJson_neverThrowsAnythingElse() {
    SplittableRandom r = new SplittableRandom(777);
    String[] pieces = {"{", "}", "[", "]", ",", ":", "\"$and\"", "\"$or\"", "\"$not\"", "\"$measure\"", "\"$is\"", "\"count\"",
        "\"event\"", "\"order\"", "\"window\"", "\"last\"", "\"a\"", "\"$gt\"", "\"$in\"", "\"$elemMatch\"", "1", "null", "true",
        "\"$between\"", "\"$date\"", "\"2024-01-01\"", "\"ratio\"", "\"$segment\""};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(30);
      for (int k = 0; k < n; k++) {
        sb.append(pieces[r.nextInt(pieces.length)]);
      }
      try {
        Rule rule = RuleJson.parseRule(sb.toString());
        assertEquals(rule, RuleJson.parseRule(RuleJson.print(rule)), sb.toString());
      } catch (RuleException expected) {
        // fine: a clear error
      } catch (RuntimeException e) {
        fail("input " + sb + " threw " + e, e);
      }
    }
  }

  private static boolean tryParse(String input) {
    try {
      Rule rule = RuleText.parseRule(input);
      String printed = RuleText.print(rule);
      assertEquals(rule, RuleText.parseRule(printed), "re-parse of " + printed + " (from " + input + ")");
      return true;
    } catch (RuleException expected) {
      return false;
    } catch (RuntimeException | StackOverflowError e) {
      fail("input <" + input + "> threw " + e, e);
      return false;
    }
  }

  private static String randomChars(SplittableRandom r) {
    String alphabet = "ab(){}[]<>=!\"`.,/:-#\\ 0123456789\n";
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(40);
    for (int i = 0; i < n; i++) {
      sb.append(r.nextInt(4) == 0 ? (char) r.nextInt(0x3000) : alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String tokenSoup(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(20);
    for (int i = 0; i < n; i++) {
      sb.append(TOKENS[r.nextInt(TOKENS.length)]).append(r.nextBoolean() ? " " : "");
    }
    return sb.toString();
  }

  private static String mutate(SplittableRandom r, String s) {
    StringBuilder sb = new StringBuilder(s);
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && sb.length() > 0; i++) {
      int at = r.nextInt(sb.length());
      switch (r.nextInt(3)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
        default -> {
          int b = r.nextInt(sb.length());
          char c = sb.charAt(at);
          sb.setCharAt(at, sb.charAt(b));
          sb.setCharAt(b, c);
        }
      }
    }
    return sb.toString();
  }
}
