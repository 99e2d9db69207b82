package io.segmenta.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.SourceMap;
import io.segmenta.core.rule.TypeChecker;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The property that makes a store's compiled SQL trustworthy: random type-correct rules over random data select
 * exactly the members the in-memory evaluator (the reference semantics) selects. Every rule also survives both
 * syntaxes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DifferentialContract extends StoreContract {
  private static final int CUSTOMERS = 250;
  /** 600 in the suite; -Dsegmenta.differential.rules=N for a deeper run. */
  private static final int RULES = Integer.getInteger("segmenta.differential.rules", 600);

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

  @Test
  void sqlAndMemory_selectTheSameMembers() {
    RandomShop random = new RandomShop(20251122);
    TypeChecker checker = new TypeChecker(store.catalog().schema(), SegmentResolver.NONE);
    int nonTrivial = 0;
    for (int i = 0; i < RULES; i++) {
      Rule rule = random.rule();
      Instant drawn = random.asOf();
      // Every third rule after the last event: computed traits and all-time aggregates are then read from the
      // aggregates kept per profile (Facts) rather than the events, and must select the same members.
      Instant asOf = i % 3 == 0 ? RandomShop.END.plusSeconds(86_400) : drawn;
      String text = RuleText.print(rule);
      checker.check(new ParsedRule(rule, SourceMap.none()));
      assertEquals(rule, RuleText.parseRule(text), "text round trip: " + text);
      assertEquals(rule, RuleJson.parseRule(RuleJson.print(rule)), "json round trip: " + text);
      Evaluator evaluator = Evaluator.strict(asOf, SegmentResolver.NONE);
      List<String> expected = new ArrayList<>();
      for (ProfileHistory h : histories) {
        if (evaluator.matches(rule, h)) {
          expected.add(h.profile().id());
        }
      }
      List<String> actual = members(store, rule, asOf, 0, Integer.MAX_VALUE);
      assertEquals(expected, actual, () -> "rule #" + " at " + asOf + ": " + text + "\n" + explain(store, rule, asOf));
      if (!expected.isEmpty() && expected.size() < histories.size()) {
        nonTrivial++;
      }
    }
    // The generator must produce rules that split the population, or the test proves little.
    assertTrue(nonTrivial > RULES / 3, "only " + nonTrivial + " of " + RULES + " rules split the population");
  }
}
