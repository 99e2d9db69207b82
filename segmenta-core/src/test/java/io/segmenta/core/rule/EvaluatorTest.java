package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The strict semantics, by hand-computed cases: windows, missing values, aggregates on no events, ratios. */
class EvaluatorTest {
  static final Instant AS_OF = Instant.parse("2025-06-30T12:00:00Z");

  static Event order(String id, String at, double revenue, double discount) {
    return new Event(id, "p", null, "order", Instant.parse(at),
        Map.of("order_id", Value.of(id), "revenue", Value.of(revenue), "discount", Value.of(discount)),
        List.of(new OrderLine("sku1", "Mug", "kitchen", 2, revenue / 2, 0)));
  }

  static Event ret(String id, String at, double value) {
    return new Event(id, "p", null, "return", Instant.parse(at), Map.of("value", Value.of(value)), List.of());
  }

  static final ProfileHistory ANNA = new ProfileHistory(new Profile("p", List.of(), Map.of("age", Value.of(34), "interests", Value.ofStrings(List.of("travel")))),
      List.of(
          order("o1", "2025-04-01T12:00:00Z", 100, 0),     // exactly 90 days before as-of: inside "last 90 days"
          order("o2", "2025-04-01T11:59:59Z", 50, 10),     // one second earlier: outside
          order("o3", "2025-06-30T12:00:00Z", 30, 0),      // exactly at as-of: inside
          order("o4", "2025-06-30T12:00:01Z", 1000, 0),    // after as-of: never seen
          ret("r1", "2025-05-01T00:00:00Z", 65)));

  static boolean holds(String rule) {
    return Evaluator.strict(AS_OF, SegmentResolver.NONE).matches(RuleText.parseRule(rule), ANNA);
  }

  static Value measure(String measure) {
    Rule.MeasureRule m = (Rule.MeasureRule) RuleText.parseRule(measure + " exists");
    return Evaluator.strict(AS_OF, SegmentResolver.NONE).measure(m.measure(), ANNA);
  }

  @Nested
  class Windows {
    @Test
    void lastNDays_includesBothEdgesAndNothingAfterAsOf() {
      assertEquals(Value.of(2), measure("count(order in last 90 days)"));
      assertEquals(Value.of(3), measure("count(order)"));
      assertEquals(Value.of(130), measure("sum(order.revenue in last 90 days)"));
    }

    @Test
    void months_areCalendarMonths() {
      // 2025-06-30 minus 3 months is 2025-03-30: all three orders before as-of are inside.
      assertEquals(Value.of(3), measure("count(order in last 3 months)"));
    }

    @Test
    void dateRange_coversWholeDays() {
      assertEquals(Value.of(2), measure("count(order from 2025-04-01 to 2025-04-01)"));
      assertEquals(Value.of(0), measure("count(order after 2025-06-30)"), "after a date starts the next day");
      assertEquals(Value.of(1), measure("count(order before 2025-04-01T12:00:00Z)"));
    }
  }

  @Nested
  class Aggregates {
    @Test
    void emptyWindow_countAndSumAreZeroOthersMissing() {
      assertEquals(Value.of(0), measure("count(order in last 1 days where discount > 100)"));
      assertEquals(Value.of(0), measure("sum(order.revenue where discount > 100)"));
      assertTrue(measure("avg(order.revenue where discount > 100)").isNull());
      assertTrue(measure("days_since(order where discount > 100)").isNull());
      assertFalse(holds("avg(order.revenue where discount > 100) < 1"), "a missing average is never below anything");
    }

    @Test
    void daysSince_roundsDown() {
      assertEquals(Value.of(0), measure("days_since(order)"));
      assertEquals(Value.of(90), measure("days_since_first(order)"), "o2 at 90 days minus one second is 90 whole days");
      assertEquals(Value.of(Instant.parse("2025-06-30T12:00:00Z")), measure("last_time(order)"));
    }

    @Test
    void ratio_returnedShareAndZeroDenominator() {
      assertEquals(Value.of(0.5), measure("sum(return.value in last 90 days) / sum(order.revenue in last 90 days)"));
      assertTrue(measure("sum(return.value) / count(order where discount > 100)").isNull());
      assertTrue(holds("sum(return.value in last 90 days) / sum(order.revenue in last 90 days) >= 0.5"));
    }

    @Test
    void orderLines_areEventsOfTheirOrder() {
      assertEquals(Value.of(6), measure("sum(order_line.quantity)"));
      assertEquals(Value.of(1), measure("count_distinct(order_line.category)"));
      assertEquals(Value.of(50), measure("max(order_line.unit_price in last 90 days)"));
    }
  }

  @Nested
  class MissingValues {
    @Test
    void comparisonOnMissingIsFalseAndNotIsItsComplement() {
      assertFalse(holds("income > 0"));
      assertFalse(holds("income <= 0"));
      assertTrue(holds("not (income > 0)"));
      assertTrue(holds("income missing"));
      assertTrue(holds("income is null"));
      assertFalse(holds("city not in [\"Oslo\"]"), "not in is a comparison too");
      assertTrue(holds("not (city in [\"Oslo\"])"));
    }

    @Test
    void lists_containAndSize() {
      assertTrue(holds("interests contains \"travel\" and interests size = 1"));
      assertTrue(holds("interests in [\"golf\", \"travel\"]"));
      assertFalse(holds("interests all [\"travel\", \"golf\"]"));
    }
  }

  @Test
  void parse_windowAndFilterInEitherOrder() {
    assertEquals(RuleText.parseRule("count(order where discount > 0 in last 90 days) > 1"),
        RuleText.parseRule("count(order in last 90 days where discount > 0) > 1"));
  }

  @Test
  void segmentReference_cycleAtRuntimeIsARuleError() {
    SegmentResolver loop = SegmentResolver.of(Map.of("a", RuleText.parseRule("segment \"a\"")));
    RuleException e = org.junit.jupiter.api.Assertions.assertThrows(RuleException.class,
        () -> Evaluator.strict(AS_OF, loop).matches(RuleText.parseRule("segment \"a\""), ANNA));
    assertTrue(e.getMessage().contains("refers to itself"), e.getMessage());
  }
}
