package io.segmenta.core.why;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Value;
import io.segmenta.core.why.json.TraceJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WhyTest {
  static final Instant AS_OF = Instant.parse("2025-06-30T00:00:00Z");

  static Event order(String id, String at, double revenue) {
    return new Event(id, "p", null, "order", Instant.parse(at), Map.of("revenue", Value.of(revenue)), List.of());
  }

  /** Anna: 34, in Denmark, one order 10 days ago and one 200 days ago. */
  static final ProfileHistory ANNA = new ProfileHistory(
      new Profile("p", List.of(new Identifier("email", "anna@example.com")), Map.of("age", Value.of(34), "country", Value.of("DK"))),
      List.of(order("o1", "2025-06-20T10:00:00Z", 120), order("o2", "2024-12-12T10:00:00Z", 80)));

  static Trace trace(String rule, SegmentResolver segments) {
    return Why.at(AS_OF, segments).explain("s", RuleText.parseRule(rule), ANNA);
  }

  @Test
  void explain_outByOneOrder_closestMissSaysHowMany() {
    Trace t = trace("count(order in last 90 days) >= 2 and country = \"DK\"", SegmentResolver.NONE);
    assertFalse(t.member());
    Step.All all = assertInstanceOf(Step.All.class, t.root());
    Step.AggregateCheck count = assertInstanceOf(Step.AggregateCheck.class, all.steps().get(0));
    assertEquals(Value.of(1), count.value());
    assertEquals("in the last 90 days", count.window());
    assertEquals(Instant.parse("2025-04-01T00:00:00Z"), count.from());
    assertTrue(count.decided(), "the failing count decided");
    assertFalse(all.steps().get(1).decided(), "the holding country did not decide a failing and");
    assertEquals(1, t.closestMiss().size());
    assertEquals("the count of order in the last 90 days is 1; needs at least 2", t.closestMiss().get(0).sentence());
    assertEquals(0.5, t.closestMiss().get(0).distance(), 1e-9);
  }

  @Test
  void explain_inThroughOr_decidedByTheHoldingBranchOnly() {
    Trace t = trace("age >= 30 or country = \"SE\"", SegmentResolver.NONE);
    assertTrue(t.member());
    Step.Any any = assertInstanceOf(Step.Any.class, t.root());
    assertTrue(any.steps().get(0).decided());
    assertFalse(any.steps().get(1).decided());
    Step.TraitCheck age = assertInstanceOf(Step.TraitCheck.class, any.steps().get(0));
    assertEquals(List.of(Value.of(34)), age.values());
    assertEquals(Step.Source.STORED, age.source());
    assertTrue(t.closestMiss().isEmpty());
  }

  @Test
  void explain_outOfOr_closestMissIsTheNearerBranch() {
    // Revenue in the last 90 days is 120: 30 short of 150 (0.2 off) beats being 66 years too young (0.66 off).
    Trace t = trace("age >= 100 or sum(order.revenue in last 90 days) >= 150", SegmentResolver.NONE);
    assertFalse(t.member());
    assertEquals(1, t.closestMiss().size());
    assertEquals("sum(order.revenue in last 90 days)", t.closestMiss().get(0).subject());
    assertEquals("at least 150", t.closestMiss().get(0).needs());
  }

  @Test
  void explain_fewerChangesBeatSmallerOnes() {
    Trace t = trace("(age >= 35 and country = \"SE\") or age >= 90", SegmentResolver.NONE);
    assertEquals(List.of("age"), t.closestMiss().stream().map(Miss::subject).toList());
    assertEquals("at least 90", t.closestMiss().get(0).needs());
  }

  @Test
  void explain_underNot_missNamesWhatMustFail() {
    Trace t = trace("not (age >= 30)", SegmentResolver.NONE);
    assertFalse(t.member());
    assertEquals("less than 30", t.closestMiss().get(0).needs());
    assertTrue(((Step.Negation) t.root()).step().decided());
  }

  @Test
  void explain_computedTraitAndIdentifier_showTheirValues() {
    Trace t = trace("net_revenue > 150 and identifier.email ends with \"@example.com\"", SegmentResolver.NONE);
    assertTrue(t.member());
    Step.All all = (Step.All) t.root();
    Step.TraitCheck net = (Step.TraitCheck) all.steps().get(0);
    assertEquals(Step.Source.COMPUTED, net.source());
    assertEquals(List.of(Value.of(200)), net.values());
    assertEquals("sum(order.revenue) - sum(return.value)", net.definition());
    Step.TraitCheck email = (Step.TraitCheck) all.steps().get(1);
    assertEquals(Step.Source.IDENTIFIER, email.source());
    assertEquals(List.of(Value.of("anna@example.com")), email.values());
  }

  @Test
  void explain_nestedSegment_tracedInside() {
    SegmentResolver saved = SegmentResolver.of(Map.of("danes", RuleText.parseRule("country = \"DK\""), "loop", RuleText.parseRule("segment \"s\"")));
    Trace t = trace("segment \"danes\" and age < 30", saved);
    Step.SegmentCheck danes = (Step.SegmentCheck) ((Step.All) t.root()).steps().get(0);
    assertTrue(danes.holds());
    assertEquals("danes", danes.segment());
    assertInstanceOf(Step.TraitCheck.class, danes.rule());
    RuleException e = assertThrows(RuleException.class, () -> trace("segment \"loop\"", saved));
    assertTrue(e.getMessage().contains("refers to itself"), e.getMessage());
  }

  @Test
  void explain_missingValue_saysMissing() {
    Trace t = trace("score >= 3", SegmentResolver.NONE);
    assertEquals("score is missing; needs at least 3", t.closestMiss().get(0).sentence());
  }

  @Test
  void print_marksDecidedAndMiss() {
    String text = TraceText.print(trace("count(order in last 90 days) >= 2 and country = \"DK\"", SegmentResolver.NONE));
    assertTrue(text.startsWith("p is out of s at 2025-06-30T00:00:00Z\n"), text);
    assertTrue(text.contains("✘ count(order in last 90 days) >= 2   [count(order in last 90 days) = 1, in the last 90 days (from 2025-04-01T00:00:00Z)]   ← decided"), text);
    assertTrue(text.contains("closest miss:\n  the count of order in the last 90 days is 1; needs at least 2"), text);
  }

  @Test
  void toJson_carriesVerdictStepsAndMiss() {
    var json = TraceJson.toJson(trace("count(order in last 90 days) >= 2", SegmentResolver.NONE));
    assertEquals(false, json.get("member").asBoolean());
    assertEquals("aggregate", json.get("trace").get("kind").asText());
    assertEquals(1, json.get("trace").get("value").asInt());
    assertEquals("at least 2", json.get("closest_miss").get(0).get("needs").asText());
  }

  /** Random and/or/not trees over Anna's conditions: the trace's verdict is the evaluator's, every time. */
  @Test
  void explain_randomTrees_agreeWithEvaluator() {
    List<String> leaves = List.of("age >= 30", "age < 20", "country = \"DK\"", "country in [\"SE\", \"NO\"]", "count(order in last 90 days) >= 2",
        "sum(order.revenue) between 100 and 300", "net_revenue > 500", "identifier.email exists", "days_since(order) <= 30");
    Random r = new Random(18);
    Evaluator ev = Evaluator.strict(AS_OF, SegmentResolver.NONE);
    for (int i = 0; i < 500; i++) {
      Rule rule = RuleText.parseRule(tree(r, leaves, 3));
      Trace t = Why.at(AS_OF, SegmentResolver.NONE).explain("s", rule, ANNA);
      assertEquals(ev.matches(rule, ANNA), t.member(), RuleText.print(rule));
      assertEquals(t.member(), t.closestMiss().isEmpty() && t.member(), RuleText.print(rule));
      assertTrue(t.root().decided());
    }
  }

  private static String tree(Random r, List<String> leaves, int depth) {
    int k = depth == 0 ? 3 : r.nextInt(5);
    if (k >= 3) {
      return leaves.get(r.nextInt(leaves.size()));
    }
    if (k == 2) {
      return "not (" + tree(r, leaves, depth - 1) + ")";
    }
    List<String> parts = new ArrayList<>();
    for (int j = 0; j < 2 + r.nextInt(2); j++) {
      parts.add("(" + tree(r, leaves, depth - 1) + ")");
    }
    return String.join(k == 0 ? " and " : " or ", parts);
  }
}
