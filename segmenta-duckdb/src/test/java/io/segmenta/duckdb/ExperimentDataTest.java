package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.core.experiment.Analysis;
import java.util.Comparator;

/**
 * The experiment query against a direct computation from the same random events: exposures (some outside the
 * experiment's dates, some filtered out, some units seeing both variants), orders with lines and returns around
 * them, metrics of every kind, and segments by trait and by behaviour at the start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentDataTest {
  static final Instant START = Instant.parse("2025-03-01T00:00:00Z");
  static final Instant STOP = START.plus(Duration.ofDays(20));
  static final Instant AS_OF = START.plus(Duration.ofDays(24));
  static final Duration WINDOW = Duration.ofDays(7);

  @TempDir
  static Path dir;
  Store store;
  final List<Event> events = new ArrayList<>();
  final Map<String, String> country = new HashMap<>();
  Experiment experiment;

  @BeforeAll
  void write() {
    SplittableRandom r = new SplittableRandom(11);
    List<Profile> profiles = new ArrayList<>();
    String[] countries = {"DK", "SE", "NO"};
    String[] categories = {"shoes", "bags", "hats"};
    int n = 0;
    for (int p = 0; p < 700; p++) {
      String id = "u" + p;
      String c = countries[r.nextInt(3)];
      country.put(id, c);
      profiles.add(new Profile(id, List.of(), Map.of("country", new Value.Str(c))));
      if (r.nextDouble() < 0.85) {
        String variant = r.nextBoolean() ? "control" : "treatment";
        int k = 1 + r.nextInt(3);
        for (int i = 0; i < k; i++) {
          String v = r.nextDouble() < 0.03 ? (variant.equals("control") ? "treatment" : "control") : variant;
          Instant t = START.minus(Duration.ofDays(3)).plusSeconds(r.nextLong(28L * 86400));
          events.add(new Event("x" + n++, id, null, "experiment_viewed", t, Map.of("experiment_id", new Value.Str(r.nextDouble() < 0.05 ? "other" : "exp-1"),
              "variation_id", new Value.Str(v), "device", new Value.Str(r.nextDouble() < 0.1 ? "bot" : "mobile")), List.of()));
        }
      }
      int orders = r.nextInt(6);
      for (int i = 0; i < orders; i++) {
        Instant t = START.minus(Duration.ofDays(30)).plusSeconds(r.nextLong(70L * 86400) + 1);
        List<OrderLine> lines = new ArrayList<>();
        double revenue = 0;
        for (int l = 0, m = 1 + r.nextInt(3); l < m; l++) {
          OrderLine line = new OrderLine("p" + r.nextInt(50), null, categories[r.nextInt(3)], 1 + r.nextInt(2), 5 + r.nextInt(60), 0);
          lines.add(line);
          revenue += line.total();
        }
        events.add(new Event("o" + n++, id, null, "order", t, Map.of("order_id", new Value.Str("o" + n), "revenue", new Value.Num(revenue)), lines));
        if (r.nextDouble() < 0.3) {
          events.add(new Event("r" + n++, id, null, "return", t.plus(Duration.ofDays(1 + r.nextInt(5))), Map.of("value", new Value.Num(revenue * r.nextDouble())), List.of()));
        }
      }
    }
    assertNotNull(dir, "the temporary directory is injected");
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    store.profiles().write(new Batch(profiles, events));
    experiment = ExperimentJson.parse("{\"key\": \"exp-1\", \"variants\": [\"control\", \"treatment\"], \"start\": \"" + START + "\", \"stop\": \"" + STOP + "\","
        + " \"window\": \"7d\", \"exposureFilter\": \"device != \\\"bot\\\"\", \"metrics\": ["
        + "\"purchase = count(order) >= 1\", \"revenue = sum(order.revenue)\", \"big = count(order where revenue > 50)\","
        + "\"shoes = count(order_line where category = \\\"shoes\\\") >= 1\"],"
        + " \"guardrails\": [\"return_rate = sum(return.value) / sum(order.revenue)\"]}");
  }

  /** Per unit: first exposure's time and variant, and the variants it saw, from the raw events. */
  record Unit(String id, Instant t0, String variant, int variants) {}

  Map<String, Unit> units() {
    Map<String, List<Event>> by = new TreeMap<>();
    for (Event e : events) {
      if (e.type().equals("experiment_viewed") && e.property("experiment_id").equals(new Value.Str("exp-1"))
          && !e.timestamp().isBefore(START) && e.timestamp().isBefore(STOP) && !e.property("device").equals(new Value.Str("bot"))) {
        by.computeIfAbsent(e.profileId(), k -> new ArrayList<>()).add(e);
      }
    }
    Map<String, Unit> out = new TreeMap<>();
    by.forEach((id, es) -> {
      es.sort(Comparator.comparing(Event::timestamp));
      long distinct = es.stream().map(e -> e.property("variation_id")).distinct().count();
      out.put(id, new Unit(id, es.get(0).timestamp(), ((Value.Str) es.get(0).property("variation_id")).value(), (int) distinct));
    });
    return out;
  }

  /** The five metrics' per-unit (a, b) values, computed directly. */
  double[][] values(Unit u) {
    double orders = 0, revenue = 0, big = 0, shoes = 0, returned = 0;
    for (Event e : events) {
      if (!e.profileId().equals(u.id()) || e.timestamp().isBefore(u.t0()) || !e.timestamp().isBefore(u.t0().plus(WINDOW)) || e.timestamp().isAfter(AS_OF)) {
        continue;
      }
      if (e.type().equals("order")) {
        orders++;
        double rev = ((Value.Num) e.property("revenue")).value();
        revenue += rev;
        big += rev > 50 ? 1 : 0;
        shoes += e.lines().stream().filter(l -> l.category().equals("shoes")).count();
      } else if (e.type().equals("return")) {
        returned += ((Value.Num) e.property("value")).value();
      }
    }
    return new double[][] {{orders >= 1 ? 1 : 0, 0}, {revenue, 0}, {big, 0}, {shoes >= 1 ? 1 : 0, 0}, {returned, revenue}};
  }

  boolean inSegment(String seg, String id) {
    if (seg.equals("dk")) {
      return country.get(id).equals("DK");
    }
    long before = events.stream().filter(e -> e.profileId().equals(id) && e.type().equals("order") && !e.timestamp().isAfter(START)).count();
    return before >= 2;
  }

  @Test
  void experimentData_matchesDirectComputation() {
    Map<String, Rule> segments = new LinkedHashMap<>();
    segments.put("dk", RuleText.parseRule("country = \"DK\""));
    segments.put("repeat", RuleText.parseRule("count(order) >= 2"));
    ExperimentData d = store.experimentReads().experimentData(experiment, segments, START, AS_OF);
    Map<String, Unit> units = units();
    long multiple = units.values().stream().filter(u -> u.variants() > 1).count();
    assertTrue(multiple > 0, "the data has units that saw both variants");
    assertEquals(multiple, d.multipleVariantUnits());
    Map<String, ExperimentData.Cell> got = new HashMap<>();
    d.cells().forEach(c -> got.put(c.segment() + "/" + c.variant(), c));
    for (String seg : new String[] {null, "dk", "repeat"}) {
      for (String v : new String[] {"control", "treatment"}) {
        long n = 0;
        double[][] sums = new double[5][5];
        for (Unit u : units.values()) {
          if (u.variants() > 1 || !u.variant().equals(v) || (seg != null && !inSegment(seg, u.id()))) {
            continue;
          }
          n++;
          double[][] x = values(u);
          for (int m = 0; m < 5; m++) {
            sums[m][0] += x[m][0];
            sums[m][1] += x[m][0] * x[m][0];
            sums[m][2] += x[m][1];
            sums[m][3] += x[m][1] * x[m][1];
            sums[m][4] += x[m][0] * x[m][1];
          }
        }
        ExperimentData.Cell c = got.get(seg + "/" + v);
        assertNotNull(c, seg + "/" + v);
        assertEquals(n, c.units(), seg + "/" + v + " units");
        for (int m = 0; m < 5; m++) {
          ExperimentData.Sums s = c.metrics().get(m);
          double[] want = sums[m];
          double[] have = {s.sum(), s.sumSquares(), s.sumDenominator(), s.sumDenominatorSquares(), s.sumProducts()};
          for (int k = 0; k < 5; k++) {
            assertEquals(want[k], have[k], 1e-6 * Math.max(1, Math.abs(want[k])), seg + "/" + v + " metric " + experiment.metrics().get(m).name() + " sum " + k);
          }
        }
      }
    }
  }

  @Nested
  class ConversionTracking {
    @Test
    void track_matchesDirectComputation() {
      Map<String, Rule> segments = new LinkedHashMap<>();
      segments.put("dk", RuleText.parseRule("country = \"DK\""));
      segments.put("repeat", RuleText.parseRule("count(order) >= 2"));
      Instant from = START.minus(Duration.ofDays(20));
      Conversions.Report r = Conversions.track(store.audiences(),
          Conversions.goal("count(order where revenue > 40) >= 1"), segments, from, AS_OF,
          Conversions.Period.WEEK);
      assertTrue(r.cells().size() > 3 * 5);
      long allConverters = 0;
      long dkConverters = 0;
      assertEquals(3, r.whole().size(), "everyone and each segment over the whole range");
      assertEquals(from, r.whole().get(0).from());
      assertEquals(AS_OF, r.whole().get(0).until());
      List<Conversions.Cell> all = new ArrayList<>(r.cells());
      all.addAll(r.whole());
      for (Conversions.Cell c : all) {
        long members = 0;
        long converters = 0;
        for (String id : country.keySet()) {
          boolean member = c.segment() == null || (c.segment().equals("dk") ? country.get(id).equals("DK")
              : events.stream().filter(e -> e.profileId().equals(id) && e.type().equals("order") && !e.timestamp().isAfter(c.from())).count() >= 2);
          if (!member) {
            continue;
          }
          members++;
          boolean converted = events.stream().anyMatch(e -> e.profileId().equals(id) && e.type().equals("order")
              && !e.timestamp().isBefore(c.from()) && e.timestamp().isBefore(c.until()) && ((Value.Num) e.property("revenue")).value() > 40);
          converters += converted ? 1 : 0;
        }
        assertEquals(members, c.members(), c.toString());
        assertEquals(converters, c.converters(), c.toString());
        if (r.whole().contains(c)) {
          continue;
        }
        if (c.segment() == null) {
          allConverters += converters;
        } else if (c.segment().equals("dk")) {
          dkConverters += converters;
        }
      }
      assertEquals((double) dkConverters / allConverters, r.shares().get(1).conversionShare(), 1e-12);
      assertEquals("dk", r.shares().get(1).segment());
    }

    @Test
    void goal_withAWindowIsRefused() {
      UserException e = assertThrows(UserException.class, () -> Conversions.goal("count(order in last 7 days) >= 1"));
      assertTrue(e.getMessage().contains("no window of its own"), e.getMessage());
    }
  }

  @Nested
  class UnknownVariants {
    @Test
    void analysis_namesVariantsTheExperimentDoesNotHave() {
      store.profiles().write(new Batch(List.of(), List.of(new Event("uv-1", "u1", null, "experiment_viewed", START.plusSeconds(5),
          Map.of("experiment_id", new Value.Str("exp-uv"), "variation_id", new Value.Str("green")), List.of()),
          new Event("uv-2", "u2", null, "experiment_viewed", START.plusSeconds(6),
          Map.of("experiment_id", new Value.Str("exp-uv"), "variation_id", new Value.Str("control")), List.of()))));
      Experiment e = ExperimentJson.parse("{\"key\": \"exp-uv\", \"variants\": [\"control\", \"treatment\"], \"metrics\": [\"purchase = count(order) >= 1\"]}");
      Analysis.Report r = Analysis.analyse(store.experimentReads(), e, Map.of(), AS_OF,
          Analysis.Options.DEFAULT);
      assertEquals(List.of("variants the experiment does not have: green (1 units)"), r.unknownVariants());
      assertEquals(1, r.units().get(0).units());
    }
  }

  @Nested
  class AsOfBound {
    /** {@code --as-of latest} is the newest event's instant: what happened at that instant belongs to the report. */
    @Test
    void experimentData_countsExposuresAndEventsAtTheAsOfInstant() {
      Instant latest = Instant.parse("2025-04-02T12:00:00.123456Z");
      store.profiles().write(new Batch(List.of(), List.of(
          new Event("edge-x1", "u698", null, "experiment_viewed", latest,
              Map.of("experiment_id", new Value.Str("exp-edge"), "variation_id", new Value.Str("control")), List.of()),
          new Event("edge-x2", "u699", null, "experiment_viewed", latest.minusSeconds(60),
              Map.of("experiment_id", new Value.Str("exp-edge"), "variation_id", new Value.Str("treatment")), List.of()),
          new Event("edge-o2", "u699", null, "order", latest, Map.of("revenue", new Value.Num(12.5)), List.of()))));
      Experiment e = ExperimentJson.parse("{\"key\": \"exp-edge\", \"variants\": [\"control\", \"treatment\"],"
          + " \"metrics\": [\"purchase = count(order) >= 1\"]}");
      ExperimentData d = store.experimentReads().experimentData(e, Map.of(), latest, latest);
      Map<String, ExperimentData.Cell> cells = new HashMap<>();
      d.cells().forEach(c -> cells.put(c.variant(), c));
      assertEquals(1, cells.get("control").units(), "the exposure at the as-of instant counts");
      assertEquals(1, cells.get("treatment").units());
      assertEquals(1.0, cells.get("treatment").metrics().get(0).sum(), "the order at the as-of instant counts");
      ExperimentData before = store.experimentReads().experimentData(e, Map.of(), latest, latest.minusNanos(1000));
      assertEquals(0, before.cells().stream().filter(c -> c.variant().equals("control")).mapToLong(ExperimentData.Cell::units).sum(),
          "one microsecond earlier it has not happened yet");
    }
  }

  @Nested
  class Definitions {
    @Test
    void saveAndRead_roundTrip() {
      store.experimentDefinitions().save(experiment);
      assertEquals(experiment, store.experimentDefinitions().find("exp-1").orElseThrow());
      assertEquals(ExperimentJson.print(experiment), ExperimentJson.print(ExperimentJson.parse(ExperimentJson.print(experiment))));
      assertTrue(store.experimentDefinitions().all().stream().anyMatch(e -> e.key().equals("exp-1")));
      assertTrue(store.experimentDefinitions().delete("exp-1"));
      assertTrue(store.experimentDefinitions().find("exp-1").isEmpty());
    }

    @Test
    void parse_badMetricNamesTheMetric() {
      UserException e = assertThrows(UserException.class, () -> ExperimentJson.parse("{\"key\": \"k\", \"variants\": [\"a\", \"b\"], \"metrics\": [\"m = avg(order.revenue)\"]}"));
      assertTrue(e.getMessage().contains("metric 'm'") && e.getMessage().contains("count(...) and sum(...)"), e.getMessage());
    }

    @Test
    void parse_unknownFieldIsNamed() {
      UserException e = assertThrows(UserException.class, () -> ExperimentJson.parse("{\"key\": \"k\", \"variants\": [\"a\", \"b\"], \"coverge\": 0.5}"));
      assertTrue(e.getMessage().contains("'coverge'"), e.getMessage());
    }
  }
}
