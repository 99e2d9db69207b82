package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.schema.Schema;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TypeCheckerTest {
  private static final Map<String, Rule> SAVED = Map.of(
      "a", RuleText.parseRule("segment \"b\""),
      "b", RuleText.parseRule("segment \"a\""),
      "students", RuleText.parseRule("occupation = \"student\""));
  private final TypeChecker checker = new TypeChecker(Schema.standard(), SegmentResolver.of(SAVED));

  private RuleException reject(String rule) {
    return assertThrows(RuleException.class, () -> checker.check(RuleText.parse(rule)));
  }

  private void accept(String rule) {
    checker.check(RuleText.parse(rule));
  }

  @Nested
  class Accepts {
    @Test
    void check_issueExample() {
      accept("count(order in last 90 days) >= 2 and sum(return.value in last 90 days) / sum(order.revenue in last 90 days) > 0.5");
    }

    @Test
    void check_everyFamilyOfTrait() {
      accept("age between 18 and 25 and gender in [\"female\"] and city starts with \"K\" and interests contains \"travel\""
          + " and devices size >= 2 and birth_date < 2000-01-01 and has_children = true and signup_date > 2024-01-01");
    }

    @Test
    void check_savedSegmentReference() {
      accept("segment \"students\" and not segment \"students\"");
    }
  }

  @Nested
  class Rejects {
    @Test
    void check_unknownTraitWithSuggestionAndCaret() {
      RuleException e = reject("age > 3 and\n  countri = \"DK\"");
      assertEquals(2, e.line());
      assertEquals(3, e.column());
      assertTrue(e.getMessage().contains("unknown trait 'countri' (did you mean 'country'?)"), e.getMessage());
      assertTrue(e.getMessage().endsWith("  countri = \"DK\"\n    ^"), e.getMessage());
    }

    @Test
    void check_typeMismatch() {
      RuleException e = reject("age >= \"eighteen\"");
      assertTrue(e.reason().contains("age is a number, but '>=' is given the text \"eighteen\""), e.reason());
    }

    @Test
    void check_impossibleOperator() {
      assertTrue(reject("has_children > true").reason().contains("cannot compare"));
      assertTrue(reject("age starts with \"1\"").reason().contains("needs a string"));
      assertTrue(reject("city size > 2").reason().contains("needs a list"));
    }

    @Test
    void check_unknownEventTypeAndProperty() {
      assertTrue(reject("count(purchase) > 1").reason().contains("unknown event type 'purchase'"));
      assertTrue(reject("sum(page_view.revenue) > 1").reason().contains("has no property 'revenue'"));
      assertTrue(reject("count(order where url = \"x\") > 1").reason().contains("event type 'order' has no property 'url'"));
      assertTrue(reject("sum(order.currency) > 1").reason().contains("sum needs a number"));
    }

    @Test
    void check_timeMeasuresCompareWithDates() {
      accept("last_time(order) < 2024-01-01");
      assertTrue(reject("last_time(order) < 5").reason().contains("expected a date or timestamp"));
    }

    @Test
    void check_cyclesAndMissingSegments() {
      assertTrue(reject("segment \"a\"").reason().contains("refer to itself"), reject("segment \"a\"").reason());
      assertTrue(reject("segment \"nope\"").reason().contains("no saved segment named 'nope'"));
      RuleException self = assertThrows(RuleException.class, () -> checker.check("students", RuleText.parse("segment \"students\"")));
      assertTrue(self.reason().contains("students -> students"), self.reason());
    }

    @Test
    void check_regexTheSqlEngineCannotRun() {
      assertTrue(reject("city matches \"(?=K)\"").reason().contains("RE2"));
      assertTrue(reject("city matches \"(\"").reason().contains("invalid"));
    }
  }

  @Nested
  class SyntaxErrors {
    @Test
    void parse_pointsAtTheSpot() {
      RuleException e = assertThrows(RuleException.class, () -> RuleText.parse("age >= 18 and and city = \"x\""));
      assertEquals(1, e.line());
      assertEquals(15, e.column());
      assertTrue(e.getMessage().contains("age >= 18 and and city = \"x\"\n                ^"), e.getMessage());
    }

    @Test
    void parse_unquotedTextValue() {
      RuleException e = assertThrows(RuleException.class, () -> RuleText.parse("country = DK"));
      assertTrue(e.reason().contains("quote text values"), e.reason());
    }

    @Test
    void parse_jsonErrorsNameThePointer() {
      RuleException e = assertThrows(RuleException.class, () -> RuleJson.parse("{\"$and\": [{\"$measure\": {\"count\": {}}, \"$is\": 1}]}"));
      assertTrue(e.getMessage().startsWith("at /$and/0/$measure/count:"), e.getMessage());
    }

    @Test
    void check_jsonTypeErrorsNameThePointer() {
      RuleException e = assertThrows(RuleException.class, () -> checker.check(RuleJson.parse("{\"$or\": [{\"age\": 3}, {\"cuntry\": \"DK\"}]}")));
      assertTrue(e.getMessage().startsWith("at /$or/1/cuntry: unknown trait"), e.getMessage());
    }
  }
}
