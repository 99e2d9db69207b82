package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.port.Member;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shapes the lake engine added after the batch features give DuckDB's answers on the same lake: exports (members,
 * identifiers and traits, with consent), the experiment analysis (its data and its report), and rules referring to
 * the lake's saved segments. The shop is the random one, with consent ledgers drawn to hit every branch of the
 * consent rule (no choice, a withdrawal after a grant, a grant and a withdrawal at one instant) and exposures to an
 * experiment (units seeing both variants, a variant the experiment does not have, exposures outside its dates).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkSameAnswersTest {
  private static final int CUSTOMERS = 240;
  private static final Instant AS_OF = RandomShop.END.plusSeconds(86_400);
  private static final Instant START = Instant.parse("2025-02-01T00:00:00Z");

  @TempDir
  static Path dir;
  private Store store;
  private SparkLake lake;
  private SparkBatchAudiences spark;
  private Experiment experiment;

  @BeforeAll
  void load() {
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
    try (Store s = DuckDb.open(config)) {
      Batch shop = new RandomShop(31).data(CUSTOMERS);
      s.profiles().write(shop);
      SplittableRandom r = new SplittableRandom(31);
      Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
      for (int i = 0; i < CUSTOMERS; i++) {
        consents.put(String.format("r%04d", i), consents(r));
      }
      s.consent().recordConsents(consents);
      s.profiles().write(experimentUnits(r));
      Instant saved = Instant.parse("2025-07-01T00:00:00Z");
      s.segmentDefinitions().save(new SegmentDefinition("buyers", "count(order) >= 2", "", saved));
      s.segmentDefinitions().save(new SegmentDefinition("nordic-buyers", "segment buyers and country in [\"DK\", \"NO\", \"SE\"]", "", saved));
      s.segmentDefinitions().save(new SegmentDefinition("lapsed", "not segment \"nordic-buyers\" and count(order in last 90 days) = 0", "", saved));
    }
    DuckDb.exportParquet(config, dir.resolve("lake"));
    store = DuckDb.openReadOnly(config);
    lake = SparkLake.open(SharedSpark.get(), dir.resolve("lake"));
    spark = new SparkBatchAudiences(lake, lake.segments());
    experiment = ExperimentJson.parse("{\"key\": \"exp-1\", \"variants\": [\"control\", \"treatment\"], \"start\": \"" + START + "\", \"stop\": \""
        + START.plus(Duration.ofDays(60)) + "\", \"window\": \"14d\", \"exposureFilter\": \"device != \\\"bot\\\"\", \"metrics\": ["
        + "\"purchase = count(order) >= 1\", \"revenue = sum(order.revenue)\", \"kids = count(order_line where category = \\\"kids\\\") >= 1\"],"
        + " \"guardrails\": [\"return_rate = sum(return.value) / sum(order.revenue)\"]}");
  }

  /**
   * Units of the experiment (profiles u0..u199, a third in DK): exposures from ten days before its start to after its
   * stop, a few naming the other variant or one it does not have, a tenth from bots (filtered out); orders with lines
   * and returns around them.
   */
  private static Batch experimentUnits(SplittableRandom r) {
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    String[] countries = {"DK", "SE", "NO"};
    String[] categories = {"kids", "home", "sports"};
    for (int p = 0; p < 200; p++) {
      String id = "u" + p;
      profiles.add(new Profile(id, List.of(), Map.of("country", Value.of(countries[r.nextInt(3)]))));
      if (r.nextDouble() < 0.85) {
        String variant = r.nextDouble() < 0.02 ? "green" : r.nextBoolean() ? "control" : "treatment";
        for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
          String v = r.nextDouble() < 0.05 ? (variant.equals("control") ? "treatment" : "control") : variant;
          Instant at = START.minus(Duration.ofDays(10)).plusSeconds(r.nextLong(80L * 86_400));
          events.add(new Event("x" + p + "-" + k, id, null, "experiment_viewed", at, Map.of("experiment_id", Value.of("exp-1"),
              "variation_id", Value.of(v), "device", Value.of(r.nextDouble() < 0.1 ? "bot" : "mobile")), List.of()));
        }
      }
      for (int k = 0, orders = r.nextInt(6); k < orders; k++) {
        Instant at = START.minus(Duration.ofDays(30)).plusSeconds(r.nextLong(100L * 86_400) + 1);
        List<OrderLine> lines = new ArrayList<>();
        double revenue = 0;
        for (int l = 0, m = 1 + r.nextInt(3); l < m; l++) {
          OrderLine line = new OrderLine("p" + r.nextInt(50), null, categories[r.nextInt(3)], 1 + r.nextInt(2), 5 + r.nextInt(60), 0);
          lines.add(line);
          revenue += line.total();
        }
        events.add(new Event("o" + p + "-" + k, id, null, "order", at, Map.of("order_id", Value.of("o" + p + "-" + k), "revenue", Value.of(revenue)), lines));
        if (r.nextDouble() < 0.3) {
          events.add(new Event("t" + p + "-" + k, id, null, "return", at.plus(Duration.ofDays(1 + r.nextInt(5))),
              Map.of("value", Value.of(Math.floor(revenue * r.nextDouble()))), List.of()));
        }
      }
    }
    return new Batch(profiles, events);
  }

  /** Per purpose: nothing, a grant, a withdrawal after a grant, or a grant and a withdrawal at one instant. */
  private static List<ConsentRecord> consents(SplittableRandom r) {
    List<ConsentRecord> out = new ArrayList<>();
    for (Purpose p : Purpose.values()) {
      Instant at = RandomShop.START.plusSeconds(r.nextLong(400L * 86_400));
      switch (r.nextInt(4)) {
        case 0 -> { }
        case 1 -> out.add(new ConsentRecord(p, true, at, "banner"));
        case 2 -> {
          out.add(new ConsentRecord(p, true, at, "banner"));
          out.add(new ConsentRecord(p, false, at.plusSeconds(3600), "preferences"));
        }
        default -> {
          out.add(new ConsentRecord(p, false, at, "banner"));
          out.add(new ConsentRecord(p, true, at, "banner"));
        }
      }
    }
    return out;
  }

  @AfterAll
  void close() {
    store.close();
  }

  private static List<Member> export(Audiences audiences, Rule rule, Purpose purpose, List<String> traits) {
    List<Member> out = new ArrayList<>();
    long n = audiences.run(new AudienceQuery.Export(rule, AS_OF, traits, purpose, out::add));
    assertEquals(out.size(), n, "the count an export answers");
    return out;
  }

  @Test
  void export_everyPurpose_sameMembersAndFieldsAsDuckDb() {
    Rule rule = RuleText.parseRule("count(order) >= 1 or email exists");
    List<String> traits = List.of("country", "age", "interests", "birth_date", "signup_date", "has_children", "net_revenue", "favourite_category",
        "last_order_at");
    long everyone = store.audiences().run(new AudienceQuery.Count(rule, AS_OF));
    for (Purpose p : Purpose.values()) {
      List<Member> expected = export(store.audiences(), rule, p, traits);
      List<Member> actual = export(spark, rule, p, traits);
      assertTrue(!expected.isEmpty() && expected.size() < everyone, p + ": consent should leave some out: " + expected.size() + " of " + everyone);
      assertTrue(expected.stream().anyMatch(m -> !m.identifiers().isEmpty()), "no member has identifiers");
      Close.assertClose(expected, actual, "export for " + p.label());
    }
    // No traits, and a rule nobody meets.
    Close.assertClose(export(store.audiences(), rule, Purpose.ANALYTICS, List.of()), export(spark, rule, Purpose.ANALYTICS, List.of()), "no traits");
    assertEquals(List.of(), export(spark, RuleText.parseRule("count(order) >= 1000"), Purpose.ANALYTICS, traits));
  }

  @Test
  void experimentData_andReport_sameAsDuckDb() {
    Map<String, Rule> segments = new LinkedHashMap<>();
    segments.put("dk", RuleText.parseRule("country = \"DK\""));
    segments.put("repeat", RuleText.parseRule("count(order) >= 2"));
    segments.put("nordic-buyers", RuleText.parseRule("segment \"nordic-buyers\""));
    SparkExperimentReads reads = new SparkExperimentReads(lake, lake.segments());
    for (Instant asOf : List.of(AS_OF, START.plus(Duration.ofDays(20)))) {
      ExperimentData expected = store.experimentReads().experimentData(experiment, segments, START, asOf);
      ExperimentData actual = reads.experimentData(experiment, segments, START, asOf);
      assertTrue(expected.cells().size() > 6 && expected.cells().stream().allMatch(c -> c.units() > 0), "a thin experiment: " + expected);
      if (asOf.equals(AS_OF)) {
        // After the stop, every exposure counts: units seeing both variants and a variant the experiment does not have.
        assertTrue(expected.multipleVariantUnits() > 0, "no unit saw both variants: " + expected);
        assertTrue(expected.cells().stream().anyMatch(c -> c.variant().startsWith("variants the experiment does not have")), "no unknown variant");
        assertTrue(expected.cells().get(0).metrics().get(1).sum() > 0, "no revenue after exposure: " + expected);
      }
      Close.assertClose(expected, actual, "experiment data at " + asOf);
      Close.assertClose(Analysis.analyse(store.experimentReads(), experiment, segments, asOf, Analysis.Options.DEFAULT),
          Analysis.analyse(reads, experiment, segments, asOf, Analysis.Options.DEFAULT), "report at " + asOf);
    }
  }

  @Test
  void members_rulesReferringToSavedSegments_sameAsDuckDb() {
    List<Rule> rules = new ArrayList<>();
    for (String text : List.of("segment buyers", "segment \"nordic-buyers\"", "segment lapsed or age > 60", "not segment lapsed and segment buyers")) {
      rules.add(RuleText.parseRule(text));
    }
    List<Instant> asOfs = List.of(AS_OF, AS_OF, Instant.parse("2025-03-01T00:00:00Z"), AS_OF);
    List<List<String>> actual = new SparkAudiences(lake, lake.segments()).membersOfEach(rules, asOfs);
    for (int i = 0; i < rules.size(); i++) {
      List<String> expected = store.audiences().run(new AudienceQuery.Page(rules.get(i), asOfs.get(i), 0, Integer.MAX_VALUE));
      assertTrue(!expected.isEmpty() && expected.size() < CUSTOMERS + 200, RuleText.print(rules.get(i)) + " should split the shop: " + expected.size());
      assertEquals(expected, actual.get(i), RuleText.print(rules.get(i)));
    }
    assertEquals(List.of("buyers", "lapsed", "nordic-buyers"), lake.segments().names());
  }

  @Test
  void run_profileRowsOnSpark_refusedNamingTheShape() {
    var e = assertThrows(UnsupportedOperationException.class,
        () -> spark.run(new AudienceQuery.Rows(List.of("age"), List.of(), List.of(), AS_OF, Purpose.PERSONALIZATION, row -> {})));
    assertTrue(e.getMessage().contains("profile rows"), e.getMessage());
  }
}
