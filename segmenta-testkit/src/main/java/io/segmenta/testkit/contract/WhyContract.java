package io.segmenta.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.store.Store;
import io.segmenta.core.why.Trace;
import io.segmenta.core.why.Why;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why-traces (issue 18) against both executions of a rule: over {@link DifferentialContract}'s random data and the
 * same generator of random rules, every profile's trace gives the verdict the in-memory evaluator gives and the
 * store's compiled SQL selects; a profile that is out has a closest miss (or no change could bring it in), and every
 * trace's root decided.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class WhyContract extends StoreContract {
  private static final int CUSTOMERS = 250;
  /** 150 in the suite; -Dsegmenta.why.rules=N for a deeper run. */
  private static final int RULES = Integer.getInteger("segmenta.why.rules", 150);

  @TempDir
  static Path dir;
  private Store store;
  private List<ProfileHistory> histories;

  @BeforeAll
  void load() {
    store = open(dir);
    write(store, new RandomShop(7).data(CUSTOMERS));
    histories = new ArrayList<>();
    for (String id : profileIds(store)) {
      histories.add(history(store, id).orElseThrow());
    }
  }

  @AfterAll
  void close() {
    store.close();
  }

  /**
   * How many random rules {@link #explain_randomRules_agreeWithEvaluatorAndSql} draws (the first of the same seeded
   * sequence whatever the count): {@code RULES}; an engine whose queries cost seconds each may draw fewer, saying why.
   */
  protected int rules() {
    return RULES;
  }

  @Test
  void explain_randomRules_agreeWithEvaluatorAndSql() {
    int count = rules();
    RandomShop random = new RandomShop(20251122);
    List<Rule> rules = new ArrayList<>();
    List<Instant> asOfs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rules.add(random.rule());
      asOfs.add(i % 3 == 0 ? RandomShop.END.plusSeconds(86_400) : random.asOf());
    }
    List<List<String>> sqlMembers = membersOfEach(store, rules, asOfs);
    int withMiss = 0;
    int out = 0;
    for (int i = 0; i < count; i++) {
      Rule rule = rules.get(i);
      Instant asOf = asOfs.get(i);
      String text = RuleText.print(rule);
      Evaluator evaluator = Evaluator.strict(asOf, SegmentResolver.NONE);
      Why why = new Why(evaluator, SegmentResolver.NONE);
      Set<String> sql = new HashSet<>(sqlMembers.get(i));
      for (ProfileHistory h : histories) {
        Trace t = why.explain("random", rule, h);
        String id = h.profile().id();
        assertEquals(evaluator.matches(rule, h), t.member(), () -> "evaluator vs trace for " + id + " at " + asOf + ": " + text);
        assertEquals(sql.contains(id), t.member(), () -> "sql vs trace for " + id + " at " + asOf + ": " + text);
        assertTrue(t.root().decided());
        if (t.member()) {
          assertTrue(t.closestMiss().isEmpty());
        } else {
          out++;
          if (!t.closestMiss().isEmpty()) {
            withMiss++;
          }
        }
      }
    }
    // Random rules leave many out; for nearly all of them some change of values brings them in, and the trace says which.
    assertTrue(out > 0 && withMiss > out * 0.9, withMiss + " of " + out + " profiles out had a closest miss");
  }

  /** Nested segments: a reference is traced into the saved rule, with the verdict of the rule it stands for. */
  @Test
  void explain_nestedSegments_agreeWithInlinedRule() {
    RandomShop random = new RandomShop(18);
    List<Rule> inners = new ArrayList<>();
    List<Rule> outers = new ArrayList<>();
    List<Rule> inlinedRules = new ArrayList<>();
    List<Instant> asOfs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      inners.add(random.rule());
      outers.add(random.rule());
      asOfs.add(random.asOf());
      inlinedRules.add(new Rule.Or(List.of(new Rule.Not(inners.get(i)), outers.get(i))));
    }
    List<List<String>> sqlMembers = membersOfEach(store, inlinedRules, asOfs);
    for (int i = 0; i < 30; i++) {
      Rule inner = inners.get(i);
      Rule outer = outers.get(i);
      Instant asOf = asOfs.get(i);
      SegmentResolver saved = SegmentResolver.of(Map.of("inner", inner));
      Rule withRef = new Rule.Or(List.of(new Rule.Not(new Rule.SegmentRef("inner")), outer));
      Set<String> sql = new HashSet<>(sqlMembers.get(i));
      Why why = Why.at(asOf, saved);
      for (ProfileHistory h : histories) {
        Trace t = why.explain("outer", withRef, h);
        assertEquals(sql.contains(h.profile().id()), t.member(), () -> RuleText.print(withRef) + " with inner = " + RuleText.print(inner));
      }
    }
    assertFalse(histories.isEmpty());
  }
}
