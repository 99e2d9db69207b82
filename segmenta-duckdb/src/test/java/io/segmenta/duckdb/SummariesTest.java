package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Profile;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.summary.Breakdown;
import io.segmenta.core.summary.TraitSummaries;
import io.segmenta.core.value.Value;
import io.segmenta.stats.ContingencyTest;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.core.port.SegmentDefinition;

/**
 * Trait summaries and breakdowns on the synthetic shop in a real DuckDB file: each number is checked against the
 * generated profiles themselves, or against the store's own count of the rule a group stands for.
 */
class SummariesTest {
  static final int CUSTOMERS = 1_500;

  @TempDir
  static Path dir;
  static Store store;
  static Instant asOf;
  static final List<Profile> profiles = new ArrayList<>();

  @BeforeAll
  static void load() {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    ShopGenerator shop = ShopGenerator.standard();
    asOf = shop.asOf();
    shop.generate(0, CUSTOMERS, 500, b -> {
      profiles.addAll(b.profiles());
      store.profiles().write(b);
    });
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static TraitSummaries.Trait trait(TraitSummaries.Report r, String name) {
    return r.traits().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  static double[] generated(String trait) {
    return profiles.stream().map(p -> p.traits().get(trait)).filter(v -> v instanceof Value.Num).mapToDouble(v -> ((Value.Num) v).value()).sorted().toArray();
  }

  /** Linear interpolation between order statistics, written out again here (Hyndman-Fan 7). */
  static double quantile(double[] x, double q) {
    double h = (x.length - 1) * q;
    int lo = (int) Math.floor(h);
    return x[lo] + (h - lo) * (x[Math.min(x.length - 1, lo + 1)] - x[lo]);
  }

  @Test
  void summarise_numbersMatchTheGeneratedProfiles() {
    TraitSummaries.Report r = TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, null, null, false, List.of("income", "age"), 5);
    assertEquals(CUSTOMERS, r.members());
    assertEquals(asOf, r.asOf());
    for (String name : List.of("income", "age")) {
      double[] x = generated(name);
      TraitSummaries.Summary s = trait(r, name).segment();
      assertEquals(x.length, s.present(), name);
      assertEquals(CUSTOMERS - x.length, s.missing(), name);
      assertEquals((double) x.length / CUSTOMERS, s.coverage(), 1e-12);
      assertEquals(Arrays.stream(x).average().orElseThrow(), s.numbers().mean(), 1e-6, name);
      assertEquals(quantile(x, 0.5), s.numbers().median(), 1e-9, name);
      assertEquals(quantile(x, 0.05), s.numbers().p5(), 1e-9, name);
      assertEquals(quantile(x, 0.25), s.numbers().p25(), 1e-9, name);
      assertEquals(quantile(x, 0.75), s.numbers().p75(), 1e-9, name);
      assertEquals(quantile(x, 0.95), s.numbers().p95(), 1e-9, name);
      assertEquals(x[0], s.numbers().min());
      assertEquals(x[x.length - 1], s.numbers().max());
      assertEquals(Arrays.stream(x).distinct().count(), s.distinct(), name);
      assertEquals(x.length, s.numbers().histogram().stream().mapToLong(TraitSummaries.Bin::count).sum(), name + ": every value in one bar");
      assertEquals(TraitSummaries.HISTOGRAM_BINS, s.numbers().histogram().size());
    }
  }

  @Test
  void summarise_textTopValuesAreTheMostCommon() {
    Map<String, Long> expected = new HashMap<>();
    profiles.forEach(p -> expected.merge(((Value.Str) p.traits().get("country")).value(), 1L, Long::sum));
    TraitSummaries.Summary s = trait(TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, null, null, false, List.of("country"), 3), "country").segment();
    assertEquals(expected.size(), s.distinct());
    assertEquals(3, s.top().size());
    long previous = Long.MAX_VALUE;
    for (TraitSummaries.Count c : s.top()) {
      assertEquals(expected.get(c.value()), c.count(), c.value());
      assertTrue(c.count() <= previous, "most common first");
      previous = c.count();
    }
    assertEquals(expected.values().stream().mapToLong(Long::longValue).max().orElseThrow(), s.top().get(0).count());
  }

  @Test
  void summarise_segmentBesideEveryone() {
    Rule students = RuleText.parseRule("occupation = \"student\"");
    TraitSummaries.Report r = TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, "students", students, true, List.of(), 5);
    long members = store.audiences().run(new AudienceQuery.Count(students, asOf));
    assertTrue(members > 50 && members < CUSTOMERS, "students: " + members);
    assertEquals(members, r.members());
    assertEquals(CUSTOMERS, r.everyone());
    TraitSummaries.Trait occupation = trait(r, "occupation");
    assertEquals(List.of(new TraitSummaries.Count("student", members)), occupation.segment().top().subList(0, 1));
    assertEquals(1, occupation.segment().distinct());
    assertTrue(occupation.everyone().distinct() > 1);
    assertEquals(CUSTOMERS, occupation.everyone().population());
    // Students are young: the segment's median age is below everyone's.
    TraitSummaries.Trait age = trait(r, "age");
    assertTrue(age.segment().numbers().median() < age.everyone().numbers().median(), age.toString());
    assertTrue(r.traits().stream().anyMatch(t -> t.family().equals("computed")), "computed traits are summarised too");
  }

  @Test
  void summarise_computedTraitAgreesWithTheStoreTotals() {
    TraitSummaries.Summary s = trait(TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, null, null, false, List.of("orders"), 5), "orders").segment();
    var totals = store.audiences().totals(new Rule.And(List.of()), asOf, List.of(RuleText.parseMeasure("count(order)")));
    assertEquals(totals.sums().get(0), s.numbers().mean() * s.present(), 1e-6);
  }

  @Test
  void summarise_unknownTraitIsNamed() {
    UserException e = assertThrows(UserException.class, () -> TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, null, null, false, List.of("incom"), 5));
    assertEquals("unknown trait 'incom'", e.getMessage());
  }

  @Test
  void run_groupRulesSelectTheirGroups() {
    Rule outcome = RuleText.parseRule("orders >= 2");
    Breakdown.Report r = Breakdown.run(store.catalog(), store.audiences(), asOf, List.of("country"), null, null, "orders >= 2", outcome, 5);
    assertEquals(CUSTOMERS, r.population());
    assertEquals(store.audiences().run(new AudienceQuery.Count(outcome, asOf)), r.outcomes());
    assertEquals(CUSTOMERS, r.groups().stream().mapToLong(Breakdown.Group::size).sum());
    for (Breakdown.Group g : r.groups()) {
      Rule rule = RuleText.parseRule(g.rule());
      assertEquals(store.audiences().run(new AudienceQuery.Count(rule, asOf)), g.size(), g.rule());
      assertEquals(store.audiences().run(new AudienceQuery.Count(new Rule.And(List.of(rule, outcome)), asOf)), g.outcomes(), g.rule());
      assertTrue(g.low() <= g.rate() && g.rate() <= g.high(), g.toString());
      assertEquals(100 * g.rate() / r.overallRate(), g.index(), 1e-9);
      assertEquals((double) g.size() / CUSTOMERS, g.share(), 1e-12);
    }
    long[][] table = r.groups().stream().map(g -> new long[] {g.outcomes(), g.size() - g.outcomes()}).toArray(long[][]::new);
    assertEquals(ContingencyTest.independence(table).chiSquare(), r.test().chiSquare(), 1e-9);
  }

  @Test
  void run_numberTraitCutAtQuantiles() {
    Breakdown.Report r = Breakdown.run(store.catalog(), store.audiences(), asOf, List.of("income"), null, null, null, null, 4);
    List<Breakdown.Group> bins = r.groups().stream().filter(g -> !g.labels().get(0).equals("(missing)")).toList();
    assertEquals(4, bins.size(), r.groups().toString());
    long present = generated("income").length;
    for (Breakdown.Group g : bins) {
      assertEquals(store.audiences().run(new AudienceQuery.Count(RuleText.parseRule(g.rule()), asOf)), g.size(), g.rule());
      assertTrue(Math.abs(g.size() - present / 4.0) < present * 0.05, "quartiles are about equal: " + g);
    }
    assertEquals("< " + bins.get(1).labels().get(0).replaceAll("^\\[([^,]+),.*", "$1"), bins.get(0).labels().get(0));
    assertTrue(bins.get(3).labels().get(0).startsWith(">= "), bins.get(3).labels().toString());
    assertEquals(CUSTOMERS - present, r.groups().stream().filter(g -> g.labels().get(0).equals("(missing)")).mapToLong(Breakdown.Group::size).sum());
  }

  @Test
  void run_pairWithoutOutcomeTestsTheTraitsAgainstEachOther() {
    Breakdown.Report r = Breakdown.run(store.catalog(), store.audiences(), asOf, List.of("gender", "has_children"), null, null, null, null, 5);
    assertEquals("gender x has_children", r.testOf());
    Map<String, Integer> g = new HashMap<>();
    Map<String, Integer> c = new HashMap<>();
    for (Breakdown.Group x : r.groups()) {
      g.putIfAbsent(x.labels().get(0), g.size());
      c.putIfAbsent(x.labels().get(1), c.size());
    }
    long[][] table = new long[g.size()][c.size()];
    for (Breakdown.Group x : r.groups()) {
      table[g.get(x.labels().get(0))][c.get(x.labels().get(1))] = x.size();
      assertTrue(Double.isNaN(x.rate()), "no outcome, no rate");
    }
    ContingencyTest.Result expected = ContingencyTest.independence(table);
    assertEquals(expected.chiSquare(), r.test().chiSquare(), 1e-9);
    assertEquals(expected.pValue(), r.test().pValue(), 1e-12);
  }

  @Test
  void save_makesOneValidSegmentPerGroupFromAnyValue() {
    Rule nordic = RuleText.parseRule("country in [\"DK\", \"SE\", \"NO\"]");
    Breakdown.Report r = Breakdown.run(store.catalog(), store.audiences(), asOf, List.of("city"), "country in [\"DK\", \"SE\", \"NO\"]", nordic, null, null, 5);
    List<String> saved = Breakdown.save(store.catalog(), store.segmentDefinitions(), store.scores(), r, "By City!", nordic, Clock.fixed(asOf, ZoneOffset.UTC));
    assertEquals(r.groups().size(), saved.size());
    assertEquals(saved.size(), saved.stream().distinct().count());
    assertTrue(saved.contains("by-city-kobenhavn"), saved.toString());
    assertTrue(saved.contains("by-city-goteborg") && saved.contains("by-city-malmo") && saved.contains("by-city-trondheim"), saved.toString());
    for (int i = 0; i < saved.size(); i++) {
      String name = saved.get(i);
      assertTrue(name.matches("[a-z0-9][a-z0-9_-]{0,62}"), name);
      Optional<SegmentDefinition> d = store.segmentDefinitions().find(name);
      assertTrue(d.isPresent(), name);
      assertEquals(r.groups().get(i).size(), store.audiences().run(new AudienceQuery.Count(RuleText.parseRule(d.get().rule()), asOf)), name);
    }
  }

  @Test
  void run_manyTextValuesKeepTheMostCommonAndGroupTheRest() {
    Breakdown.Report r = Breakdown.run(store.catalog(), store.audiences(), asOf, List.of("postal_code"), null, null, null, null, 5);
    assertEquals(Breakdown.MAX_VALUES + 1, r.groups().size(), "the 20 most common and (other)");
    Breakdown.Group other = r.groups().get(Breakdown.MAX_VALUES);
    assertEquals(List.of("(other)"), other.labels());
    assertEquals(store.audiences().run(new AudienceQuery.Count(RuleText.parseRule(other.rule()), asOf)), other.size(), other.rule());
    assertEquals(CUSTOMERS, r.groups().stream().mapToLong(Breakdown.Group::size).sum());
    assertTrue(r.notes().get(0).startsWith("postal_code: "), r.notes().toString());
  }

  @Test
  void run_listTraitIsRefusedWithItsType() {
    UserException e = assertThrows(UserException.class, () -> Breakdown.run(store.catalog(), store.audiences(), asOf, List.of("interests"), null, null, null, null, 5));
    assertEquals("--by interests: a breakdown groups by a number, text or boolean trait; 'interests' is a list<string>", e.getMessage());
  }
}
