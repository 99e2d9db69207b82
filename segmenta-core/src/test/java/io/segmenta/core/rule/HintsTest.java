package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.schema.Schema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hints an error gives: the name that was probably meant, the operator to use, the token that is out of place. */
class HintsTest {
  private static final Map<String, Rule> SAVED = Map.of(
      "students", RuleText.parseRule("occupation = \"student\""),
      "high-returners", RuleText.parseRule("count(order) >= 2"));
  private final TypeChecker checker = new TypeChecker(Schema.standard(), SegmentResolver.of(SAVED));

  private RuleException reject(String rule) {
    return assertThrows(RuleException.class, () -> checker.check(RuleText.parse(rule)));
  }

  @Test
  void of_typosWithinTwoEdits() {
    List<String> names = List.of("order", "page_view", "return", "order_line");
    assertEquals(Optional.of("order"), NearestName.of("ordr", names));
    assertEquals(Optional.of("order"), NearestName.of("oredr", names), "a swap is one edit");
    assertEquals(Optional.of("page_view"), NearestName.of("Page_View", names), "case is ignored");
    assertEquals(Optional.empty(), NearestName.of("basket", names), "nothing near");
    assertEquals(Optional.empty(), NearestName.of("ab", List.of("xy")), "no hint further away than the name is long");
    assertEquals(1, NearestName.distance("ab", "ba"));
    assertEquals(3, NearestName.distance("kitten", "sitting"));
  }

  @Test
  void check_unknownEventTypeSuggestsTheNearest() {
    RuleException e = reject("count(ordr in last 30 days) >= 1");
    assertTrue(e.reason().startsWith("unknown event type 'ordr' (did you mean 'order'?); known types are "), e.reason());
    assertEquals(1, e.column());
  }

  @Test
  void check_unknownPropertySuggestsTheNearest() {
    RuleException e = reject("sum(order.revenu) > 100");
    assertTrue(e.reason().startsWith("event type 'order' has no property 'revenu' (did you mean 'revenue'?); it has "), e.reason());
    RuleException inFilter = reject("count(order where revenu > 100) >= 1");
    assertTrue(inFilter.reason().contains("has no property 'revenu' (did you mean 'revenue'?)"), inFilter.reason());
  }

  @Test
  void check_unknownSegmentSuggestsTheNearest() {
    RuleException e = reject("segment \"student\" and age > 20");
    assertEquals("there is no saved segment named 'student' (did you mean 'students'?)", e.reason());
    assertEquals("there is no saved segment named 'zzz'", reject("segment \"zzz\"").reason());
  }

  @Test
  void parse_windowAfterTheComparison_pointsAtItAndSaysWhereItGoes() {
    RuleException e = assertThrows(RuleException.class, () -> RuleText.parse("count(order) >= 2 in last 90 days"));
    assertEquals(19, e.column());
    assertTrue(e.reason().startsWith("'in' goes inside an aggregate's parentheses"), e.reason());
    RuleException where = assertThrows(RuleException.class, () -> RuleText.parse("count(order) >= 2 where revenue > 10"));
    assertTrue(where.reason().startsWith("'where' goes inside an aggregate's parentheses"), where.reason());
  }

  @Test
  void parse_whereWithoutACondition_saysSoAtTheWindow() {
    RuleException e = assertThrows(RuleException.class, () -> RuleText.parse("count(order where in last 90 days) >= 2"));
    assertEquals(19, e.column());
    assertTrue(e.reason().startsWith("expected a condition after 'where'"), e.reason());
    RuleException empty = assertThrows(RuleException.class, () -> RuleText.parse("count(order where) >= 2"));
    assertTrue(empty.reason().startsWith("expected a condition after 'where'") && empty.reason().endsWith("')'"), empty.reason());
  }

  @Test
  void parse_doubleEqualsSuggestsEquals() {
    RuleException e = assertThrows(RuleException.class, () -> RuleText.parse("age > 3 and country == \"DK\""));
    assertEquals(21, e.column(), e.getMessage());
    assertTrue(e.reason().startsWith("'==' is not an operator here; use '='"), e.reason());
    assertTrue(assertThrows(RuleException.class, () -> RuleText.parse("age > 3 && age < 9")).reason().contains("'and'"));
    assertTrue(assertThrows(RuleException.class, () -> RuleText.parse("country = 'DK'")).reason().contains("double quotes"));
  }

  @Test
  void parse_windowAfterTheParenthesisPointsAtIt() {
    String rule = "count(order) in last 30 days >= 2";
    RuleException e = assertThrows(RuleException.class, () -> RuleText.parse(rule));
    assertEquals(rule.indexOf("in last") + 1, e.column(), e.getMessage());
    assertTrue(e.reason().startsWith("'in' belongs inside the parentheses of count(...): write count(order in ...)"), e.reason());
    RuleException where = assertThrows(RuleException.class, () -> RuleText.parse("sum(order.revenue) where revenue > 5 > 100"));
    assertEquals(20, where.column(), where.getMessage());
    RuleException first = assertThrows(RuleException.class, () -> RuleText.parse("in last 30 days count(order) >= 1"));
    assertEquals(1, first.column());
    assertTrue(first.reason().contains("goes inside an aggregate's parentheses"), first.reason());
  }

  @Test
  void parse_keywordWhereAConditionShouldBePointsAtTheKeyword() {
    String rule = "age > 30 and or country = \"DK\"";
    RuleException e = assertThrows(RuleException.class, () -> RuleText.parse(rule));
    assertEquals(rule.indexOf("or") + 1, e.column(), e.getMessage());
  }
}
