package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.model.Event;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.ExperimentScenario;
import java.io.BufferedWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.util.Arrays;

/**
 * An A/B test from the shell, on a scenario with a known answer: the banner lifts conversion by 50 % in Denmark
 * only and raises returns everywhere. Created, analysed overall and by country, assigned.
 */
class ExperimentCliTest {
  @TempDir
  static Path dir;
  static Path data;

  static CliTest.Result run(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data-dir";
    all[args.length + 1] = data.toString();
    return CliTest.run(all);
  }

  @BeforeAll
  static void importScenario() throws Exception {
    data = dir.resolve("data");
    Path file = dir.resolve("scenario.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      new ExperimentScenario(5, 40_000, "DK", 0.5).write(p -> line(w, Importer.toJsonLine(p)), e -> line(w, Importer.toJsonLine(e)));
    }
    CliTest.Result r = run("import", file.toString());
    assertEquals(0, r.code(), r.err());
    for (String c : ExperimentScenario.COUNTRIES) {
      assertEquals(0, run("segment", "save", c.toLowerCase(), "country = \"" + c + "\"").code());
    }
    CliTest.Result created = run("experiment", "create", ExperimentScenario.KEY, "--variants", "control,banner",
        "--metric", "purchase = count(order) >= 1", "--metric", "revenue = sum(order.revenue)",
        "--guardrail", "return_rate = sum(return.value) / sum(order.revenue)", "--window", "14d",
        "--start", "2025-05-01", "--stop", "2025-06-01");
    assertEquals(0, created.code(), created.err());
    assertTrue(created.out().startsWith("created experiment checkout-banner: 2 variants, 3 metrics, window 14 days"), created.out());
  }

  static void line(BufferedWriter w, String s) {
    try {
      w.write(s);
      w.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Nested
  class Analyze {
    @Test
    void json_findsTheLiftWhereItWasPlanted() throws Exception {
      CliTest.Result r = run("experiment", "analyze", ExperimentScenario.KEY, "--by", "dk", "--by", "se", "--by", "no", "--by", "nl", "--by", "fi",
          "--as-of", "2025-06-30", "--format", "json");
      assertEquals(0, r.code(), r.err());
      JsonNode j = new ObjectMapper().readTree(r.out());
      assertEquals(40_000, j.get("units").get(0).get("units").asLong() + j.get("units").get(1).get("units").asLong());
      assertTrue(j.get("sample_ratio_mismatch").get("p_value").asDouble() > 0.001, "hash assignment splits evenly");
      for (JsonNode c : j.get("comparisons")) {
        if (!c.get("metric").asText().equals("purchase") || c.get("segment").isNull()) {
          continue;
        }
        boolean dk = c.get("segment").asText().equals("dk");
        assertEquals(dk, c.get("significant").asBoolean(), c.toString());
        if (dk) {
          double lift = c.get("relative").get("estimate").asDouble();
          assertTrue(lift > 0.3 && lift < 0.7, "planted +50 %, got " + lift);
          assertTrue(c.get("relative").get("ci_low").asDouble() < 0.5 && c.get("relative").get("ci_high").asDouble() > 0.5, "the interval covers the truth");
          assertTrue(c.get("bayesian").get("chance_better").asDouble() > 0.99);
        }
        assertTrue(c.get("p_adjusted").asDouble() >= c.get("p_value").asDouble());
        assertEquals("pooled_two_proportion_z", c.get("method").asText(), "a 0/1 metric is tested with the pooled z test");
        assertEquals(c.get("pooled_z").get("p_two_sided").asDouble(), c.get("p_value").asDouble(), 1e-15);
      }
      JsonNode guard = null;
      for (JsonNode c : j.get("comparisons")) {
        if (c.get("metric").asText().equals("return_rate") && c.get("segment").isNull()) {
          guard = c;
        }
      }
      assertTrue(guard.get("guardrail").asBoolean() && guard.get("lower_is_better").asBoolean());
      assertTrue(guard.get("relative").get("estimate").asDouble() > 0, "returns went up under the banner");
    }

    @Test
    void table_saysWhoWonInWords() {
      CliTest.Result r = run("experiment", "analyze", ExperimentScenario.KEY, "--by", "dk", "--by", "se", "--as-of", "2025-06-30");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("units: control"), r.out());
      assertTrue(r.out().contains("Better after correcting for 2 segments for: dk"), r.out());
      assertTrue(r.out().contains("guardrail return_rate"), r.out());
    }

    @Test
    void sequential_isWiderThanFixedHorizon() throws Exception {
      JsonNode fixed = new ObjectMapper().readTree(run("experiment", "analyze", ExperimentScenario.KEY, "--as-of", "2025-06-30", "--format", "json").out());
      JsonNode seq = new ObjectMapper().readTree(run("experiment", "analyze", ExperimentScenario.KEY, "--as-of", "2025-06-30", "--format", "json", "--sequential").out());
      JsonNode f = fixed.get("comparisons").get(0).get("relative");
      JsonNode s = seq.get("comparisons").get(0).get("relative");
      assertEquals(f.get("estimate").asDouble(), s.get("estimate").asDouble(), 1e-12);
      assertTrue(s.get("ci_high").asDouble() - s.get("ci_low").asDouble() > f.get("ci_high").asDouble() - f.get("ci_low").asDouble());
    }

    @Test
    void table_namesTheTestAndShowsTheSplitCheck() {
      CliTest.Result r = run("experiment", "analyze", ExperimentScenario.KEY, "--as-of", "2025-06-30");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().matches("(?s).*units: control [0-9,]+ banner [0-9,]+; sample ratio p = 0\\.\\d{4}: ok \\(mismatch below 0\\.001, watch below 0\\.01\\).*"), r.out());
      String purchase = r.out().lines().filter(l -> l.contains(" purchase ")).findFirst().orElseThrow();
      assertTrue(purchase.contains("pooled z"), "a 0/1 metric shows the two-proportion z test: " + purchase);
      String revenue = r.out().lines().filter(l -> l.contains(" revenue ")).findFirst().orElseThrow();
      assertTrue(revenue.contains("Welch t"), "a continuous metric keeps Welch: " + revenue);
      assertTrue(r.out().contains("'pooled z' is the two-proportion z test with pooled variance"), "the legend says what the test is");
    }

    @Test
    void csv_carriesNumbersNotDisplayStrings() throws Exception {
      CliTest.Result r = run("experiment", "analyze", ExperimentScenario.KEY, "--as-of", "2025-06-30", "--format", "csv");
      assertEquals(0, r.code(), r.err());
      assertFalse(r.out().matches("(?s).*\\d%.*"), "no display percentages such as 44.8%: " + r.out());
      List<String> lines = r.out().lines().toList();
      List<String> header = List.of(lines.get(0).split(","));
      String[] purchase = lines.stream().filter(l -> l.startsWith(",purchase,")).findFirst().orElseThrow().split(",", -1);
      assertEquals("rate_fraction", purchase[header.indexOf("value_unit")]);
      double control = Double.parseDouble(purchase[header.indexOf("control_value")]);
      assertTrue(control > 0 && control < 1, "a rate is a fraction: " + control);
      assertEquals("pooled_two_proportion_z", purchase[header.indexOf("method")]);
      double p = Double.parseDouble(purchase[header.indexOf("p_value")]);
      assertTrue(p >= 0 && p <= 1);
      double srm = Double.parseDouble(purchase[header.indexOf("srm_p_value")]);
      assertTrue(srm > 0.01, "hash assignment splits evenly: " + srm);
      assertEquals("ok", purchase[header.indexOf("srm_verdict")]);
      Double.parseDouble(purchase[header.indexOf("lift_fraction")]);
      Double.parseDouble(purchase[header.indexOf("chance_better_fraction")]);
    }

    @Test
    void json_namesTheMethodAndTheSplitVerdict() throws Exception {
      JsonNode j = new ObjectMapper().readTree(run("experiment", "analyze", ExperimentScenario.KEY, "--as-of", "2025-06-30", "--format", "json").out());
      JsonNode srm = j.get("sample_ratio_mismatch");
      assertEquals("ok", srm.get("verdict").asText());
      assertEquals(0.001, srm.get("mismatch_below").asDouble());
      assertEquals(0.01, srm.get("watch_below").asDouble());
      for (JsonNode c : j.get("comparisons")) {
        String expected = c.get("kind").asText().equals("conversion") ? "pooled_two_proportion_z" : "welch_t";
        assertEquals(expected, c.get("method").asText(), c.toString());
        assertTrue(c.get("control").get("mean").isNumber());
      }
    }

    @Test
    void unknownExperiment_isAOneLineError() {
      CliTest.Result r = run("experiment", "analyze", "nope");
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith("segmenta: there is no experiment 'nope'; known: [checkout-banner"), r.err());
    }
  }

  @Nested
  class ConversionTracking {
    @Test
    void json_denmarkProducesMoreThanItsShare() throws Exception {
      CliTest.Result r = run("conversions", "--from", "2025-05-01", "--to", "2025-06-15", "--period", "week", "--by", "dk", "--by", "se", "--format", "json");
      assertEquals(0, r.code(), r.err());
      JsonNode j = new ObjectMapper().readTree(r.out());
      assertEquals("count(order) >= 1", j.get("goal").asText());
      JsonNode dk = j.get("shares").get(1);
      assertEquals("dk", dk.get("segment").asText());
      assertTrue(dk.get("index").asDouble() > 1.1, "the banner's lift in Denmark shows as a larger share of conversions: " + dk);
      assertTrue(j.get("shares").get(2).get("index").asDouble() < 1.05, j.get("shares").get(2).toString());
    }

    @Test
    void table_hasTheShareChart() {
      CliTest.Result r = run("conversions", "--from", "2025-05-01", "--to", "2025-06-01", "--by", "dk");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("Who produces the conversions") && r.out().contains("█"), r.out());
    }

    @Test
    void table_showsTheWholeRangeRateAndSaysWhatEachColumnMeans() {
      CliTest.Result r = run("conversions", "--from", "2025-05-01", "--to", "2025-06-01", "--period", "week", "--by", "dk");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("members at start") && r.out().contains("until (exclusive)") && r.out().contains("conversion rate"), r.out());
      assertEquals(2, r.out().lines().filter(l -> l.contains("whole range") && l.contains("2025-05-01T00:00:00Z") && l.contains("2025-06-01T00:00:00Z")).count(),
          "everyone and dk over the whole range: " + r.out());
      assertTrue(r.out().contains("it is not the mean of the weekly rates"), r.out());
    }

    @Test
    void badPeriod_isAOneLineError() {
      CliTest.Result r = run("conversions", "--from", "2025-05-01", "--period", "fortnight");
      assertEquals(2, r.code());
      assertEquals("segmenta: --period must be day, week or month, got 'fortnight'", r.err().trim());
    }
  }

  /**
   * A file without timestamps imported with one constant timestamp: every exposure and order sits at the newest
   * instant, which {@code --as-of latest} resolves to. Everything there belongs in the report.
   */
  @Nested
  class AsOfLatest {
    @Test
    void analyze_latestCountsExposuresAtTheNewestInstant() throws Exception {
      Path own = dir.resolve("latest-data");
      Path file = dir.resolve("latest.jsonl");
      Instant t = Instant.parse("2024-02-01T00:00:00Z");
      try (BufferedWriter w = Files.newBufferedWriter(file)) {
        for (int i = 0; i < 200; i++) {
          String variant = i % 2 == 0 ? "control" : "treatment";
          line(w, Importer.toJsonLine(new Event("x" + i, "p" + i, null, "experiment_viewed", t,
              Map.of("experiment_id", new Value.Str("flat"), "variation_id", new Value.Str(variant)), List.of())));
          if (i % 3 == 0) {
            line(w, Importer.toJsonLine(new Event("o" + i, "p" + i, null, "order", t,
                Map.of("revenue", new Value.Num(10)), List.of())));
          }
        }
        // Two people a campaign held out of the experiment, one of them recorded twice: two people, not three.
        for (String[] h : new String[][] {{"h1", "p7"}, {"h2", "p7"}, {"h3", "p8"}}) {
          line(w, Importer.toJsonLine(new Event(h[0], h[1], null, Experiment.HELD_OUT_EVENT, t, Map.of("experiment_id", new Value.Str("flat"),
              "variation_id", new Value.Str("control"), "campaign", new Value.Str("campaign:spring")), List.of())));
        }
      }
      assertEquals(0, CliTest.run("import", file.toString(), "--data-dir", own.toString()).code());
      CliTest.Result c = CliTest.run("experiment", "create", "flat", "--variants", "control,treatment", "--metric", "purchase = count(order) >= 1",
          "--data-dir", own.toString());
      assertEquals(0, c.code(), c.err());
      CliTest.Result r = CliTest.run("experiment", "analyze", "flat", "--as-of", "latest", "--format", "json", "--data-dir", own.toString());
      assertEquals(0, r.code(), r.err());
      JsonNode j = new ObjectMapper().readTree(r.out());
      assertEquals(t.toString(), j.get("as_of").asText());
      assertEquals(100, j.get("units").get(0).get("units").asLong(), r.out());
      assertEquals(100, j.get("units").get(1).get("units").asLong());
      JsonNode purchase = j.get("comparisons").get(0);
      assertEquals(34.0 / 100, purchase.get("control").get("mean").asDouble(), 1e-12, "orders at the as-of instant count");
      assertEquals("[{\"by\":\"campaign:spring\",\"people\":2}]", j.get("held_out").toString(), "held out at the as-of instant, counted once each");
      CliTest.Result table = CliTest.run("experiment", "analyze", "flat", "--as-of", "latest", "--data-dir", own.toString());
      assertTrue(table.out().contains("2 people were held out by campaign:spring: shown it instead of a variant"), table.out());
      // Segment rules use the same inclusive bound (Window.resolve ends just after the as-of instant): checked, not assumed.
      for (String rule : new String[] {"count(order) >= 1", "count(order in last 7 days) >= 1"}) {
        CliTest.Result seg = CliTest.run("segment", "count", rule, "--as-of", "latest", "--data-dir", own.toString());
        assertEquals(0, seg.code(), seg.err());
        assertTrue(seg.out().startsWith("67 of 200 profiles"), rule + ": " + seg.out());
      }
      CliTest.Result conv = CliTest.run("conversions", "--from", "2024-01-01", "--as-of", "latest", "--format", "csv", "--data-dir", own.toString());
      assertEquals(0, conv.code(), conv.err());
      assertTrue(conv.out().startsWith("period,from,until_exclusive,segment,members_at_start,converters,rate_fraction"), conv.out());
      assertTrue(conv.out().contains("\nwhole_range,2024-01-01T00:00:00Z,2024-02-01T00:00:00.000001Z,,200,67,0.335"),
          "the 67 orders at the latest instant convert, over the whole range too: " + conv.out());
    }
  }

  @Nested
  class Assign {
    @Test
    void dryRun_givesTheVariantTheSdksGive() throws Exception {
      CliTest.Result r = run("experiment", "assign", ExperimentScenario.KEY, "v1", "v2", "v3", "--dry-run", "--format", "json");
      assertEquals(0, r.code(), r.err());
      JsonNode j = new ObjectMapper().readTree(r.out());
      for (JsonNode a : j) {
        String id = a.get("id").asText();
        String expected = Assignment.decide(ExperimentScenario.experiment(), Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str(id))))).variantKey();
        assertTrue(a.get("in_experiment").asBoolean());
        assertEquals(expected, a.get("variant").asText(), id);
        assertFalse(a.get("exposure_recorded").asBoolean(), "a dry run records nothing");
      }
    }

    @Test
    void unknownProfile_isAssignedOnItsIdAlone() throws Exception {
      CliTest.Result r = run("experiment", "assign", ExperimentScenario.KEY, "nobody", "--dry-run", "--format", "json");
      assertEquals(0, r.code(), r.err());
      JsonNode a = new ObjectMapper().readTree(r.out()).get(0);
      String expected = Assignment.decide(ExperimentScenario.experiment(), Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str("nobody"))))).variantKey();
      assertEquals(expected, a.get("variant").asText(), "as a GrowthBook SDK assigns any id");
      assertTrue(a.get("new_profile").asBoolean(), a.toString());
    }
  }

  @Nested
  class Create {
    @Test
    void badMetric_namesIt() {
      CliTest.Result r = run("experiment", "create", "x", "--metric", "aov = avg(order.revenue)");
      assertEquals(2, r.code());
      assertTrue(r.err().contains("metric 'aov': only count(...) and sum(...)"), r.err());
    }

    @Test
    void unknownSegment_isRefused() {
      CliTest.Result r = run("experiment", "create", "y", "--segment", "nosuch");
      assertEquals(2, r.code());
      assertTrue(r.err().contains("nosuch"), r.err());
    }

    @Test
    void fromGrowthBookJson() throws Exception {
      Path f = dir.resolve("gb.json");
      // GrowthBook's SDK payload as it is, its sticky-bucketing and display fields included.
      Files.writeString(f, "{\"key\": \"gb-exp\", \"variations\": [0, 1, 2], \"weights\": [0.5, 0.25, 0.25], \"hashVersion\": 2,"
          + " \"name\": \"GB experiment\", \"phase\": \"0\", \"meta\": [{\"key\": \"a\"}, {\"key\": \"b\"}, {\"key\": \"c\", \"name\": \"C\"}],"
          + " \"bucketVersion\": 1, \"minBucketVersion\": 0, \"disableStickyBucketing\": false, \"fallbackAttribute\": \"anonymous_id\","
          + " \"parentConditions\": [], \"condition\": {\"country\": \"DK\"}, \"metrics\": [\"purchase = count(order) >= 1\"]}");
      CliTest.Result r = run("experiment", "create", "--file", f.toString());
      assertEquals(0, r.code(), r.err());
      JsonNode shown = new ObjectMapper().readTree(run("experiment", "show", "gb-exp").out());
      assertEquals("GB experiment", shown.get("name").asText());
      assertEquals("c", shown.get("variants").get(2).get("key").asText(), "meta keys name the variants");
      assertEquals(1, shown.get("bucketVersion").asInt());
      CliTest.Result a = run("experiment", "assign", "gb-exp", "v1", "v2", "v3", "v4", "--dry-run", "--format", "json");
      JsonNode j = new ObjectMapper().readTree(a.out());
      for (JsonNode x : j) {
        // Only Danish visitors meet the condition; the others are not in the experiment, for a reason given.
        assertEquals(x.get("in_experiment").asBoolean(), !x.get("reason").asText().contains("targeting condition"), x.toString());
      }
    }
  }
}
