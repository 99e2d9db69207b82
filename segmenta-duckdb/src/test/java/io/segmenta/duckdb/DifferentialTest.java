package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.port.AudienceQuery;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The property that makes the SQL compiler trustworthy: random type-correct rules over random data select exactly
 * the members the in-memory evaluator (the reference semantics) selects. Every rule also survives both syntaxes.
 */
class DifferentialTest {
  private static final int CUSTOMERS = 250;
  /** 600 in the suite; -Dsegmenta.differential.rules=N for a deeper run. */
  private static final int RULES = Integer.getInteger("segmenta.differential.rules", 600);

  @TempDir
  static Path dir;
  static Store store;
  static List<ProfileHistory> histories;

  @BeforeAll
  static void load() {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    store.profiles().write(new RandomShop(7).data(CUSTOMERS));
    histories = new ArrayList<>();
    for (String id : store.profiles().profileIds()) {
      histories.add(store.profiles().history(id).orElseThrow());
    }
  }

  @AfterAll
  static void close() {
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
      List<String> actual = store.audiences().run(new AudienceQuery.Page(rule, asOf, 0, Integer.MAX_VALUE));
      assertEquals(expected, actual, () -> "rule #" + " at " + asOf + ": " + text + "\n" + store.audiences().explain(rule, asOf));
      if (!expected.isEmpty() && expected.size() < histories.size()) {
        nonTrivial++;
      }
    }
    // The generator must produce rules that split the population, or the test proves little.
    org.junit.jupiter.api.Assertions.assertTrue(nonTrivial > RULES / 3, "only " + nonTrivial + " of " + RULES + " rules split the population");
  }
}
