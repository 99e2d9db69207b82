package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.Interaction;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.ml.recommend.Evaluation;
import io.segmenta.ml.recommend.Recommender;
import io.segmenta.testkit.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published figures of UCI Online Retail (shared/data/REFERENCE_RESULTS.md §1a and §1d) reproduced through
 * Segmenta's own import (the online-retail preset) and its own segment and aggregate queries.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineRetailTest {
  private static final String FILE = "data/online-retail/online_retail.csv.gz";
  private static final Instant AS_OF = Instant.parse("2012-01-01T00:00:00Z");

  @TempDir
  static Path dir;
  static Store store;
  static ImportReport report;

  @BeforeAll
  static void load() {
    Optional<Path> file = SharedData.find(FILE);
    if (file.isEmpty()) {
      System.out.println(SharedData.missing(FILE));
      return;
    }
    store = DuckDb.open(StoreConfig.resolve(dir, "2GB", 2, Map.of()));
    try (CsvSource src = new CsvSource(file.get(), ',', '"', StandardCharsets.UTF_8, true)) {
      report = Importer.run(src, Mapping.onlineRetail(), store.catalog(), store.profiles(), Importer.Options.strict());
    }
    System.out.println("Online Retail import: " + report.rows() + " rows in " + report.took().toMillis() + " ms; " + report.notes());
  }

  /** Each test says it was skipped, and why, when the data is absent. */
  @BeforeEach
  void requireData() {
    assumeTrue(store != null, SharedData.missing(FILE));
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  @Order(1)
  void import_readsEveryRowAndReportsRowsWithoutCustomer() {
    assertEquals(541_909, report.rows());
    assertEquals(0, report.rejected());
    assertEquals(135_080L, report.notes().get("rows without a customer id (stored as guest orders, in no segment)"));
    assertEquals(9_288L, report.notes().get("cancellation rows (stored as returns)"));
  }

  @Test
  @Order(2)
  void rawFigures_matchThePublishedOnes() {
    StoreStats s = store.profiles().stats();
    assertEquals(541_909, s.orderLines(), "every row is a line of an order or a cancellation");
    assertEquals(4_372, s.profiles(), "customers");
    assertEquals(25_900, s.events(), "invoices");
    assertEquals(3_836L, s.eventsByType().get("return"), "cancellation invoices");
    assertEquals(38, store.profiles().propertyValues("country", 1000).size(), "countries");
  }

  @Test
  @Order(3)
  void standardCleaning_matchesThePublishedFigures() {
    String clean = "where quantity > 0 and unit_price > 0";
    List<Measure> measures = List.of(
        measure("count(order_line " + clean + ")"),
        measure("sum(order_line.line_total " + clean + ")"),
        measure("count_distinct(order_line.order_id " + clean + ")"));
    Totals t = store.audiences().totals(RuleText.parseRule("count(order_line " + clean + ") >= 1"), AS_OF, measures);
    assertEquals(4_338, t.members(), "customers after cleaning");
    assertEquals(397_884.0, t.sums().get(0), "lines after cleaning");
    assertEquals(8_911_407.90, Math.round(t.sums().get(1) * 100) / 100.0, "revenue after cleaning");
    assertEquals(18_532.0, t.sums().get(2), "invoices after cleaning");
  }

  @Test
  @Order(3)
  void cohorts_firstThreeCohortSizesMatchPipelineB() {
    var cells = store.activity().cohorts("order", AS_OF);
    Map<String, Long> sizes = new LinkedHashMap<>();
    cells.stream().filter(c -> c.monthsSince() == 0).forEach(c -> sizes.put(c.cohort(), c.customers()));
    assertEquals(885L, sizes.get("2010-12"));
    assertEquals(417L, sizes.get("2011-01"));
    assertEquals(380L, sizes.get("2011-02"));
    assertEquals(41L, sizes.get("2011-12"), "the last cohort (REFERENCE_RESULTS §1c: 2011-12: 41)");
    // Retention can only fall below the cohort's size.
    cells.forEach(c -> org.junit.jupiter.api.Assertions.assertTrue(c.customers() <= sizes.get(c.cohort())));
  }

  @Test
  @Order(4)
  void reimport_storesNothingTwice() {
    Path file = SharedData.find(FILE).orElseThrow();
    ImportReport again;
    try (CsvSource src = new CsvSource(file, ',', '"', StandardCharsets.UTF_8, true)) {
      again = Importer.run(src, Mapping.onlineRetail(), store.catalog(), store.profiles(), Importer.Options.strict());
    }
    assertEquals(0, again.written().eventsWritten());
    assertEquals(25_900, again.written().eventsDuplicate());
    assertEquals(0, again.written().profilesCreated());
    assertEquals(541_909, store.profiles().stats().orderLines());
    assertEquals(4_372, store.profiles().stats().profiles());
  }

  /**
   * Recommendations evaluated with the time split: trained on purchases before 2011-09-01, tested on the
   * distinct products each customer bought from then on. Personal recommendations must beat popularity on
   * recall@10; the numbers are in docs/BENCHMARKS.md.
   */
  @Test
  @Order(5)
  void recommendations_personalBeatsPopularityOnRecallAt10() {
    List<Interaction> purchases = new ArrayList<>();
    store.activity().interactions("order_line", Instant.EPOCH, AS_OF, purchases::add);
    Evaluation.Report r = Evaluation.timeSplit(purchases,
        Instant.parse("2011-09-01T00:00:00Z"), 10, Recommender.Options.DEFAULT);
    System.out.println("Online Retail recommendations (" + purchases.size() + " purchased lines, model built in "
        + r.model().buildTime().toMillis() + " ms, " + r.model().customers() + " customers, " + r.model().products() + " products):\n"
        + Evaluation.table(r));
    double popular = r.of(Evaluation.POPULAR).recall();
    double personal = r.of(Evaluation.PERSONAL).recall();
    assertEquals(true, personal > popular, "personal recall@10 " + personal + " vs popularity " + popular);
    // Pinned: the model must not depend on the order the store returns rows in (it once did, through tie-breaks).
    assertEquals(0.1292, personal, 5e-5);
    assertEquals(0.0309, popular, 5e-5);
    // Discovery (only products new to the customer count): bought together must beat popularity there too.
    assertEquals(true, r.of(Evaluation.TOGETHER_NEW).recall() > r.of(Evaluation.POPULAR_NEW).recall(),
        "item-to-item must beat popularity at discovery");
    // Customers who bought both before and after the split.
    assertEquals(1952, r.of(Evaluation.POPULAR).users());
  }

  private static Measure measure(String text) {
    return ((Rule.MeasureRule) RuleText.parseRule(text + " >= 0")).measure();
  }
}
