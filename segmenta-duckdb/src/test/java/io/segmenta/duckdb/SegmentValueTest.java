package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.pnl.Flag;
import io.segmenta.core.pnl.Margins;
import io.segmenta.core.pnl.SampleSize;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.store.Store;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rfm.RfmGroups;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment value on the synthetic shop: the P&L counts returns, the planted returners are a trap, flags and overlaps. */
class SegmentValueTest {
  static final int CUSTOMERS = 6_000;

  @TempDir
  static Path dir;
  static Store store;
  static List<ShopGenerator.Truth> truth;
  static Instant asOf;
  static SegmentValue.Report report;

  static final Map<String, Rule> SEGMENTS = new LinkedHashMap<>();

  @BeforeAll
  static void load() {
    ShopFixture shop = ShopFixture.load(dir, CUSTOMERS);
    store = shop.store();
    asOf = shop.asOf();
    truth = shop.truth();
    SEGMENTS.put("returners", RuleText.parseRule("return_rate > 0.85 and orders >= 2"));
    SEGMENTS.put("luxury", RuleText.parseRule("income >= 90000 and avg(order_line.unit_price) > 150"));
    SEGMENTS.put("students", RuleText.parseRule("occupation = \"student\""));
    SEGMENTS.put("tiny", RuleText.parseRule("orders >= 9"));
    SEGMENTS.put("lapsed", RuleText.parseRule("days_since(order) > 400 and days_since(session) > 400"));
    SEGMENTS.put("not-students", RuleText.parseRule("not (occupation = \"student\")"));
    Margins margins = new Margins(0.4, Map.of("luxury", 0.55, "electronics", 0.15), 4.0);
    report = SegmentValue.analyse(store.audiences(), store.scores(), asOf, SEGMENTS, SegmentValue.Options.standard().withWindow("in last 365 days").withMargins(margins));
    report.segments().forEach(w -> System.out.printf("%-13s n=%5d share=%5.1f%% gross=%,12.2f returned=%,11.2f rate=%5.1f%% profit=%,11.2f index=%.2f %s%n",
        w.name(), w.members(), 100 * w.customerShare(), w.grossRevenue(), w.returnedValue(), 100 * w.returnRate(), w.profit(), w.index(), w.flags()));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static SegmentValue.Worth worth(String name) {
    return report.segments().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }

  @Nested
  class Traps {
    @Test
    void analyse_findsThePlantedReturnersAsATrap() {
      SegmentValue.Worth r = worth("returners");
      Set<String> planted = truth.stream().filter(t -> t.personas().contains(ShopGenerator.Persona.RETURNER))
          .map(ShopGenerator.Truth::profileId).collect(Collectors.toSet());
      Set<String> found = new HashSet<>(store.audiences().run(new AudienceQuery.Page(SEGMENTS.get("returners"), asOf, 0, Integer.MAX_VALUE)));
      Set<String> hit = new HashSet<>(found);
      hit.retainAll(planted);
      assertTrue(r.customerShare() >= 0.05 && r.customerShare() <= 0.13, "share " + r.customerShare());
      assertTrue(hit.size() >= 0.95 * found.size(), "the segment is the planted returners: " + hit.size() + " of " + found.size());
      assertTrue(r.has(Flag.Kind.TRAP), r.flags().toString());
      assertTrue(r.index() > 1.5, "they look valuable: index " + r.index());
      assertTrue(r.returnRate() > 0.85);
      assertTrue(r.profit() < 0.1 * r.grossRevenue(), "and earn little: " + r.profit());
      assertFalse(worth("luxury").has(Flag.Kind.TRAP), worth("luxury").flags().toString());
      assertFalse(worth("students").has(Flag.Kind.TRAP));
    }

    @Test
    void analyse_rankingByProfitPutsTheTrapBelowLuxury() {
      List<String> order = report.segments().stream().map(SegmentValue.Worth::name).toList();
      assertTrue(order.indexOf("luxury") < order.indexOf("returners"), order.toString());
    }

    @Test
    void analyse_pAndLAddsUp() {
      SegmentValue.Worth all = report.everyone();
      assertEquals(CUSTOMERS, all.members());
      SegmentValue.Worth s = worth("students");
      SegmentValue.Worth ns = worth("not-students");
      assertEquals(all.members(), s.members() + ns.members());
      assertEquals(all.grossRevenue(), s.grossRevenue() + ns.grossRevenue(), 1e-6);
      assertEquals(all.returnedValue(), s.returnedValue() + ns.returnedValue(), 1e-6);
      assertEquals(s.grossRevenue() - s.returnedValue(), s.netRevenue(), 1e-9);
      assertEquals(s.revenueShare() / s.customerShare(), s.index(), 1e-9);
    }
  }

  @Nested
  class OtherFlags {
    @Test
    void analyse_tooSmallStaleAndThin() {
      assertTrue(worth("tiny").has(Flag.Kind.TOO_SMALL), worth("tiny").flags().toString());
      assertTrue(worth("lapsed").has(Flag.Kind.STALE), worth("lapsed").flags().toString());
      assertFalse(worth("students").has(Flag.Kind.STALE));
    }

    @Test
    void sampleSize_matchesTheTextbook() {
      // 10% relative lift on a 5% rate, alpha 0.05 two-sided, power 0.8: about 31,200 per arm.
      long n = SampleSize.perArm(0.05, 0.10, 0.05, 0.80);
      assertTrue(n > 31_000 && n < 31_500, "n = " + n);
      assertEquals(1.959964, SampleSize.normalQuantile(0.975), 1e-6);
    }
  }

  @Test
  void segmentTotals_equalOneQueryPerSegmentAndMemberSets() {
    var measures = List.of(
        ((Rule.MeasureRule) RuleText.parseRule("sum(order.revenue in last 365 days) exists")).measure(),
        ((Rule.MeasureRule) RuleText.parseRule("days_since(session) exists")).measure());
    var st = store.audiences().segmentTotals(SEGMENTS, asOf, measures, List.of());
    for (var e : SEGMENTS.entrySet()) {
      var one = store.audiences().totals(e.getValue(), asOf, measures);
      var many = st.totals().get(e.getKey());
      assertEquals(one.members(), many.members(), e.getKey());
      for (int i = 0; i < measures.size(); i++) {
        assertEquals(one.counts().get(i), many.counts().get(i), e.getKey());
        assertEquals(one.sums().get(i), many.sums().get(i), 1e-6, e.getKey());
        assertEquals(one.mins().get(i), many.mins().get(i), 1e-9, e.getKey());
      }
    }
    var names = st.names();
    for (int i = 0; i < names.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        Set<Long> a = Arrays.stream(store.audiences().run(new AudienceQuery.Keys(SEGMENTS.get(names.get(i)), asOf))).boxed().collect(Collectors.toSet());
        a.retainAll(Arrays.stream(store.audiences().run(new AudienceQuery.Keys(SEGMENTS.get(names.get(j)), asOf))).boxed().collect(Collectors.toSet()));
        assertEquals(a.size(), st.both()[i][j], names.get(i) + " & " + names.get(j));
      }
    }
  }

  @Test
  void overlap_selfIsOneComplementIsZero() {
    SegmentValue.Overlap o = report.overlap();
    int s = o.names().indexOf("students");
    int ns = o.names().indexOf("not-students");
    assertEquals(1.0, o.jaccard()[s][s]);
    assertEquals(0.0, o.jaccard()[s][ns]);
    assertEquals(worth("students").members(), o.both()[s][s]);
  }

  @Test
  void rfm_scoresAndBuiltInSegments() {
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    Rfm.Result r = Rfm.score(store.audiences(), store.scores(), asOf, Rfm.Spec.standard(), segments, Clock.systemUTC());
    long customers = store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("orders >= 1"), asOf));
    assertEquals(customers, r.rows().size());
    assertEquals(customers, r.groupSizes().values().stream().mapToLong(Long::longValue).sum());
    for (String g : RfmGroups.NAMES) {
      assertEquals(r.groupSizes().get(g), store.audiences().run(new AudienceQuery.Count(segments.ruleOf(RfmGroups.segmentName(g)), asOf)), g);
    }
    assertEquals(asOf, store.scores().scoredAt("rfm_group").orElseThrow());
    assertTrue(r.groupSizes().get("Champions") > 0 && r.groupSizes().get("Lost") > 0, r.groupSizes().toString());
    // Champions buy more recently and more than the Lost, on average.
    double champions = r.rows().stream().filter(x -> x.group().equals("Champions")).mapToDouble(Rfm.Row::frequency).average().orElseThrow();
    double lost = r.rows().stream().filter(x -> x.group().equals("Lost")).mapToDouble(Rfm.Row::frequency).average().orElseThrow();
    assertTrue(champions > lost);
  }

  @Test
  void countSample_estimatesTheCount() {
    Rule r = SEGMENTS.get("not-students");
    long exact = store.audiences().run(new AudienceQuery.Count(r, asOf));
    long estimate = store.audiences().run(new AudienceQuery.Sample(r, asOf, 4));
    assertTrue(Math.abs(estimate - exact) < 0.1 * exact, estimate + " vs " + exact);
  }
}
