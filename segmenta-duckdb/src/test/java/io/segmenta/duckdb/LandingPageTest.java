package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.testkit.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REFERENCE_RESULTS.md section 2, through Segmenta: the landing-page file imported as exposure events, the
 * countries as a trait, the published cleaning expressed as the experiment's exposure filter (an exposure counts
 * only when the page shown is the group's page; a unit's first counted exposure decides), and the analysis giving
 * the published counts, rates, z and one-sided p, then the same broken down by country.
 */
class LandingPageTest {
  static final String MATCHED = "(variation_id = \"treatment\" and landing_page = \"new_page\") or (variation_id = \"control\" and landing_page = \"old_page\")";

  @TempDir
  Path dir;

  @Test
  void importAndAnalyse_reproduceThePublishedResult() throws Exception {
    var ab = SharedData.find("data/ab-test-landing-page/ab_data.csv");
    var countries = SharedData.find("data/ab-test-landing-page/countries.csv");
    if (ab.isEmpty() || countries.isEmpty()) {
      System.out.println(SharedData.missing("data/ab-test-landing-page"));
    }
    assumeTrue(ab.isPresent() && countries.isPresent(), SharedData.missing("data/ab-test-landing-page"));
    Mapping exposures = Mapping.parse("ab_data.map", String.join("\n",
        "target = events", "type = experiment_viewed", "id = @line", "profile = user_id", "timestamp = timestamp",
        "timestamp.format = yyyy-MM-dd HH:mm:ss.SSSSSS", "const.property.experiment_id = landing-page",
        "property.variation_id = group", "declare.property.landing_page = string", "property.landing_page = landing_page",
        "declare.property.converted = number", "property.converted = converted"));
    Mapping country = Mapping.parse("countries.map", String.join("\n", "target = profiles", "id = user_id", "trait.country = country"));
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "2GB", 2, Map.of()))) {
      try (CsvSource src = new CsvSource(ab.get(), ',', '"', StandardCharsets.UTF_8, true)) {
        ImportReport r = Importer.run(src, exposures, store.catalog(), store.profiles(), Importer.Options.strict());
        assertEquals(294_478, r.accepted());
      }
      try (CsvSource src = new CsvSource(countries.get(), ',', '"', StandardCharsets.UTF_8, true)) {
        assertEquals(290_584, Importer.run(src, country, store.catalog(), store.profiles(), Importer.Options.strict()).accepted());
      }
      assertEquals(290_584, store.profiles().stats().profiles());

      Experiment e = ExperimentJson.parse("{\"key\": \"landing-page\", \"variants\": [\"control\", \"treatment\"],"
          + " \"metrics\": [{\"name\": \"converted\", \"definition\": \"count(experiment_viewed where converted = 1 and (" + MATCHED.replace("\"", "\\\"") + ")) >= 1\"}],"
          + " \"exposureFilter\": \"" + MATCHED.replace("\"", "\\\"") + "\", \"window\": \"30d\"}");
      store.experimentDefinitions().save(e);
      Map<String, Rule> byCountry = new LinkedHashMap<>();
      for (String c : new String[] {"US", "UK", "CA"}) {
        byCountry.put(c, RuleText.parseRule("country = \"" + c + "\""));
      }
      Instant asOf = Instant.parse("2017-02-01T00:00:00Z");
      Analysis.Report r = Analysis.analyse(store.experimentReads(), store.experimentDefinitions().find("landing-page").orElseThrow(), byCountry, asOf, Analysis.Options.DEFAULT);

      assertEquals(145_274, r.units().get(0).units(), "control users");
      assertEquals(145_310, r.units().get(1).units(), "treatment users");
      assertEquals(0, r.multipleVariantUnits());
      Analysis.Comparison all = r.comparisons().get(0);
      assertNull(all.segment());
      assertEquals(0.1203863045004612, all.control().mean(), 1e-12);
      assertEquals(0.11880806551510564, all.variant().mean(), 1e-12);
      assertEquals(-1.3109241984234394, all.zTest().z(), 1e-9, "published z (control minus treatment) 1.3109");
      assertEquals(0.90505831275902449, all.zOneSidedBetter(), 1e-9, "published one-sided p");
      assertEquals(0.18988, all.zTest().pValue(), 5e-6, "two-sided");
      assertEquals(Analysis.Method.POOLED_Z, all.method(), "a 0/1 metric is decided by the pooled z test");
      assertEquals(all.zTest().pValue(), all.pValue(), "the p-value shown is the z test's");
      assertFalse(all.significant());
      assertTrue(r.srm().pValue() > 0.5, "the split is 50/50");

      double[][] published = {{0.120630, 0.118466}, {0.120022, 0.121171}, {0.118783, 0.111902}};
      long[] sizes = {203_619, 72_466, 14_499};
      for (int i = 0; i < 3; i++) {
        Analysis.Comparison c = r.comparisons().get(i + 1);
        assertEquals(new String[] {"US", "UK", "CA"}[i], c.segment());
        assertEquals(published[i][0], c.control().mean(), 5e-7, c.segment() + " control");
        assertEquals(published[i][1], c.variant().mean(), 5e-7, c.segment() + " treatment");
        assertEquals(sizes[i], c.control().units() + c.variant().units(), c.segment() + " users");
        assertTrue(c.pAdjusted() >= c.pValue(), "Holm never lowers a p-value");
        assertFalse(c.significant(), c.segment());
      }
      assertFalse(r.comparisons().get(3).warnings().isEmpty(), "Canada is too small to detect a 10 % lift");
      assertTrue(r.summary().stream().anyMatch(s -> s.contains("no significant difference")), String.join("\n", r.summary()));
    }
  }
}
