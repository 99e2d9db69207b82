package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.BeforeSaving;
import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The before-saving funnel on the synthetic shop, against separate counts of each prefix of the rule. */
class BeforeSavingTest {
  static final int CUSTOMERS = 3_000;

  @TempDir
  static Path dir;
  static Store store;
  static Instant asOf;

  @BeforeAll
  static void load() {
    ShopFixture shop = ShopFixture.load(dir, CUSTOMERS);
    store = shop.store();
    asOf = shop.asOf();
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static final String RULE = "count(order in last 365 days) >= 1 and income >= 40000 and (occupation = \"student\" or sum(order.revenue) > 300)"
      + " and days_since(session) < 200";

  @Test
  void of_exact_eachStepIsTheCountOfItsPrefix() {
    Rule rule = RuleText.parseRule(RULE);
    BeforeSaving.Report r = BeforeSaving.of(store.audiences(), CUSTOMERS, rule, asOf);
    List<Rule> parts = ((Rule.And) rule).rules();
    assertEquals(parts.size(), r.funnel().size());
    assertEquals(1, r.sampleEvery());
    for (int k = 0; k < parts.size(); k++) {
      long expected = store.audiences().run(new AudienceQuery.Count(new Rule.And(parts.subList(0, k + 1)), asOf));
      assertEquals(expected, r.funnel().get(k).size(), "step " + k + ": " + r.funnel().get(k).condition());
      assertEquals(0, r.funnel().get(k).margin());
      if (k > 0) {
        assertTrue(r.funnel().get(k).size() <= r.funnel().get(k - 1).size());
      }
    }
    assertTrue(r.size() > 0 && r.size() < CUSTOMERS, "the rule must select some but not all: " + r.size());
    assertTrue(r.cost().rowsScanned() > CUSTOMERS, "the scans read the profiles and events: " + r.cost().rowsScanned());
  }

  @Test
  void of_exact_reachIsTheExportCountPerPurpose() {
    Rule rule = RuleText.parseRule(RULE);
    BeforeSaving.Report r = BeforeSaving.of(store.audiences(), CUSTOMERS, rule, asOf);
    for (int p = 0; p < Purpose.values().length; p++) {
      Purpose purpose = Purpose.values()[p];
      long exported = store.audiences().run(new AudienceQuery.Export(rule, asOf, List.of(), purpose, m -> { }));
      assertEquals(purpose.label(), r.reach().get(p).purpose());
      assertEquals(exported, r.reach().get(p).size(), purpose.label());
    }
  }

  @Test
  void of_sampled_estimatesWithinTheirMargins() {
    Rule rule = RuleText.parseRule("income >= 40000 and count(order) >= 1");
    BeforeSaving.Report exact = BeforeSaving.of(store.audiences(), CUSTOMERS, rule, asOf);
    BeforeSaving.Report sampled = BeforeSaving.of(store.audiences(), CUSTOMERS, rule, asOf, 500);
    assertEquals(6, sampled.sampleEvery());
    assertTrue(sampled.sampled() && sampled.how().contains("1-in-6 sample"), sampled.how());
    assertTrue(sampled.read() > CUSTOMERS / 6 - 50 && sampled.read() < CUSTOMERS / 6 + 50, "read " + sampled.read());
    for (int k = 0; k < 2; k++) {
      long e = exact.funnel().get(k).size();
      BeforeSaving.Step s = sampled.funnel().get(k);
      assertTrue(s.margin() > 0);
      // Four margins (95 % each): a fixed sample misses by more only if the key order were tied to the traits.
      assertTrue(Math.abs(s.size() - e) <= 4 * s.margin(), "step " + k + ": " + s.size() + " +/- " + s.margin() + " against " + e);
    }
  }

  @Test
  void of_notAnAnd_isOneStep() {
    Rule rule = RuleText.parseRule("occupation = \"student\" or income >= 90000");
    BeforeSaving.Report r = BeforeSaving.of(store.audiences(), CUSTOMERS, rule, asOf);
    assertEquals(1, r.funnel().size());
    assertEquals(store.audiences().run(new AudienceQuery.Count(rule, asOf)), r.size());
  }
}
