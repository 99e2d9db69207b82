package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.value.Value;
import org.junit.jupiter.api.Test;

class ComputedTraitsTest {
  @Test
  void definitions_matchTheSchemaOneToOne() {
    Schema schema = Schema.standard();
    for (TraitDef t : schema.traits()) {
      if (t.family() == Family.COMPUTED) {
        Measure m = ComputedTraits.definition(t.name()).orElseThrow(() -> new AssertionError("no definition for " + t.name()));
        assertEquals(t.type(), Measures.type(m, schema), t.name());
        new TypeChecker(schema, SegmentResolver.NONE).check(new ParsedRule(new Rule.MeasureRule(m, Condition.Ops.of(new Op.Exists(true))), SourceMap.none()));
      }
    }
    ComputedTraits.all().keySet().forEach(n -> assertEquals(Family.COMPUTED, schema.trait(n).orElseThrow().family(), n));
  }

  @Test
  void evaluate_computedTraitsFromTheHistory() {
    var ev = Evaluator.strict(EvaluatorTest.AS_OF, SegmentResolver.NONE);
    // Anna: orders of 100, 50 (discount 10) and 30 before as-of, one return of 65; every line is kitchen.
    assertTrue(ev.matches(RuleText.parseRule("orders = 3 and gross_revenue = 180 and net_revenue = 115"), EvaluatorTest.ANNA));
    assertTrue(ev.matches(RuleText.parseRule("average_order_value = 60 and favourite_category = \"kitchen\" and cohort = \"2025-04\""), EvaluatorTest.ANNA));
    assertTrue(ev.matches(RuleText.parseRule("discount_share > 0.33 and discount_share < 0.34 and acquisition_channel missing"), EvaluatorTest.ANNA));
    assertEquals(Value.of(65 / 180.0), ev.measure(ComputedTraits.definition("return_rate").orElseThrow(), EvaluatorTest.ANNA));
  }
}
