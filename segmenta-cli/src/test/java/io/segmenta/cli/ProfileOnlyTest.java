package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.SharedData;
import io.segmenta.testkit.ShopGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first answers on a store of profiles only (a CRM export: demographics, no orders): what the traits hold, a
 * breakdown with an outcome, and value, cluster and lookalike, which used to find no one because their features
 * came from orders. The store is the synthetic shop's profiles without their events; Bank Marketing (when
 * ../shared is there) is the real file a user tried.
 */
class ProfileOnlyTest {
  static final int PROFILES = 1_500;
  static final String AS_OF = "2025-06-30";

  @TempDir
  static Path dir;
  static Path data;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  static String[] with(Path dataDir, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", dataDir.toString(), "--threads", "2", "--memory-limit", "1GB"));
    return all.toArray(new String[0]);
  }

  @BeforeAll
  static void profilesOnly() {
    data = dir.resolve("crm");
    try (Store s = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()))) {
      ShopGenerator.standard().generate(0, PROFILES, 500, b -> s.profiles().write(new Batch(b.profiles(), List.of())));
      assertEquals(0, s.profiles().stats().events());
    }
  }

  @Test
  void traits_segmentBesideEveryoneNamesItsInstant() {
    Result r = run(with(data, "traits", "--segment", "occupation = \"student\"", "--against-everyone", "--as-of", AS_OF));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Traits of segment occupation = \"student\" ("), r.out());
    assertTrue(r.out().contains("as of 2025-06-30T23:59:59.999999Z; everyone beside it"), r.out());
    assertTrue(r.out().contains("coverage (everyone)") && r.out().contains("income (number;") && r.out().contains("█"), r.out());
    assertTrue(r.out().contains("median") && r.out().contains("p95"), r.out());
  }

  @Test
  void traits_jsonCarriesNumbersAsNumbers() throws Exception {
    Result r = run(with(data, "traits", "--trait", "age,country", "--format", "json", "--as-of", AS_OF));
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("2025-06-30T23:59:59.999999Z", j.get("as_of").asText());
    assertEquals(2, j.get("traits").size());
    JsonNode age = j.get("traits").get(0).get("segment");
    assertTrue(age.get("numbers").get("median").isNumber() && age.get("coverage").isNumber(), age.toString());
    assertEquals(PROFILES, age.get("profiles").asInt());
    JsonNode country = j.get("traits").get(1).get("segment");
    assertTrue(country.get("top").get(0).get("count").isNumber());
    assertFalse(country.has("numbers"));
  }

  @Test
  void breakdown_outcomeRateIntervalIndexAndSavedGroups() throws Exception {
    Result r = run(with(data, "breakdown", "--by", "country", "--outcome", "has_children = true", "--save", "Kids by Country", "--as-of", AS_OF));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Everyone by country as of 2025-06-30T23:59:59.999999Z: 1,500 profiles; outcome has_children = true"), r.out());
    assertTrue(r.out().contains("95% interval") && r.out().contains("index"), r.out());
    assertTrue(r.out().contains("Chi-square test of independence (country groups x outcome)"), r.out());
    assertTrue(r.out().contains("saved 5 segments: ") && r.out().contains("kids-by-country-dk"), r.out());
    Result count = run(with(data, "segment", "count", "kids-by-country-dk", "--as-of", AS_OF));
    assertEquals(0, count.code(), count.err());
    Result json = run(with(data, "breakdown", "--by", "country", "--by", "has_children", "--outcome", "age < 30", "--format", "json", "--as-of", AS_OF));
    assertEquals(0, json.code(), json.err());
    JsonNode j = new ObjectMapper().readTree(json.out());
    long sizes = 0;
    for (JsonNode g : j.get("groups")) {
      assertEquals(2, g.get("values").size());
      assertTrue(g.get("rate").isNumber() && g.get("rate_low_95").isNumber() && g.get("index").isNumber(), g.toString());
      sizes += g.get("size").asLong();
    }
    assertEquals(PROFILES, sizes);
    assertTrue(j.get("chi_square").get("p_value").isNumber());
  }

  @Test
  void value_withoutOrdersSaysWhyAndShowsSizes() throws Exception {
    Result r = run(with(data, "value", "occupation = \"student\"", "--as-of", AS_OF));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: no orders in this store: revenue, returns, profit, AOV and CLV need orders; sizes and shares are shown"), r.out());
    assertFalse(r.out().contains("gross revenue"), "no column of zeros: " + r.out());
    Result json = run(with(data, "value", "occupation = \"student\"", "--as-of", AS_OF, "--format", "json"));
    assertTrue(new ObjectMapper().readTree(json.out()).get("notes").get(0).asText().startsWith("no orders in this store"), json.out());
  }

  @Test
  void cluster_withoutOrdersClustersEveryoneOnTraits() {
    Result r = run(with(data, "cluster", "--k", "3", "--as-of", AS_OF));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Clusters as of "), "the result names its instant first: " + r.out());
    assertTrue(r.out().contains("\nnote: no profile has an order: the order features (RFM, returns, discounts) need orders, so the stored traits "), r.out());
    assertTrue(r.out().matches("(?s).*\\n1,[0-9]{3} customers, features \\[age, .*"), r.out());
    assertTrue(r.out().contains("cluster 3"), r.out());
  }

  @Test
  void lookalike_withoutOrdersUsesTraitsButNotTheSeedsOwn() throws Exception {
    Result r = run(with(data, "lookalike", "occupation = \"student\"", "--name", "students", "--format", "json", "--as-of", AS_OF));
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("seed_members").asInt() > 20, r.out());
    List<String> features = new ArrayList<>();
    j.get("features").forEach(f -> features.add(f.asText()));
    assertTrue(features.contains("age") && !features.contains("occupation"), features.toString());
    assertTrue(j.get("note").asText().startsWith("no member of the seed has an order"), r.out());
    assertEquals(4, j.get("tiers").size());
  }

  /**
   * Part of a shop without orders: 600 customers with their history and 900 profiles imported from a CRM without
   * any. Clustering learns from everyone, most of whom have no orders, so it uses traits; a lookalike of customers
   * with orders keeps the order features, one of the CRM profiles uses traits.
   */
  @Test
  void mixedShop_featuresFollowWhoHasOrders() throws Exception {
    Path mixed = dir.resolve("mixed");
    try (Store s = DuckDb.open(StoreConfig.resolve(mixed, "1GB", 2, Map.of()))) {
      ShopGenerator shop = ShopGenerator.standard();
      shop.generate(0, 600, 600, s.profiles()::write);
      shop.generate(600, PROFILES, 900, b -> s.profiles().write(new Batch(b.profiles(), List.of())));
    }
    Result c = run(with(mixed, "cluster", "--k", "3", "--as-of", AS_OF));
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().matches("(?s)Clusters as of [^\n]*\nnote: only [0-9]{3} of 1,500 profiles have an order: the order features .*"), c.out());
    Result buyers = run(with(mixed, "lookalike", "orders >= 3", "--name", "buyers", "--format", "json", "--as-of", AS_OF));
    assertEquals(0, buyers.code(), buyers.err());
    JsonNode bj = new ObjectMapper().readTree(buyers.out());
    assertFalse(bj.has("note"), buyers.out());
    assertEquals("days_since_last_order", bj.get("features").get(0).asText());
    Result crm = run(with(mixed, "lookalike", "orders = 0 and has_children = true", "--name", "crm", "--format", "json", "--as-of", AS_OF));
    assertEquals(0, crm.code(), crm.err());
    JsonNode cj = new ObjectMapper().readTree(crm.out());
    assertTrue(cj.get("note").asText().startsWith("no member of the seed has an order"), crm.out());
    assertTrue(cj.get("seed_members").asInt() > 100, crm.out());
    List<String> features = new ArrayList<>();
    cj.get("features").forEach(f -> features.add(f.asText()));
    assertFalse(features.contains("has_children"), "the seed's own trait gives it away: " + features);
  }

  /** UCI Bank Marketing (the 4,119-row sample): customers with demographics and a campaign response, no orders. */
  @Test
  void bankMarketing_breakdownAndLookalikeOnTheRealFile() throws Exception {
    Optional<Path> csv = SharedData.find("data/bank-marketing/bank-additional.csv");
    assumeTrue(csv.isPresent(), SharedData.missing("data/bank-marketing/bank-additional.csv"));
    // The file has no id column; one is added here (the import's own @line ids are another change).
    List<String> lines = Files.readAllLines(csv.get(), StandardCharsets.UTF_8);
    List<String> withIds = new ArrayList<>(List.of("\"id\";" + lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      withIds.add("\"b" + i + "\";" + lines.get(i));
    }
    Path file = dir.resolve("bank.csv");
    Files.write(file, withIds, StandardCharsets.UTF_8);
    Path mapping = dir.resolve("bank.map");
    Files.writeString(mapping, String.join("\n", "target = profiles", "csv.separator = ;", "id = id",
        "declare.trait.job = string", "declare.trait.education = string", "declare.trait.housing = string", "declare.trait.campaign = number",
        "declare.trait.euribor3m = number", "declare.trait.subscribed = string",
        "trait.age = age", "trait.job = job", "trait.marital_status = marital", "trait.education = education", "trait.housing = housing",
        "trait.campaign = campaign", "trait.euribor3m = euribor3m", "trait.subscribed = y", ""));
    Path bank = dir.resolve("bank");
    Result imported = run(with(bank, "import", file.toString(), "--mapping", mapping.toString()));
    assertEquals(0, imported.code(), imported.err());
    Result b = run(with(bank, "breakdown", "--by", "job", "--outcome", "subscribed = \"yes\"", "--format", "json"));
    assertEquals(0, b.code(), b.err());
    JsonNode j = new ObjectMapper().readTree(b.out());
    assertEquals(4119, j.get("population").asInt());
    assertEquals(451, j.get("outcomes").asInt(), "the file's 451 subscribers");
    assertTrue(j.get("chi_square").get("p_value").asDouble() < 1e-6, j.get("chi_square").toString());
    for (JsonNode g : j.get("groups")) {
      if (g.get("values").get(0).asText().equals("student") || g.get("values").get(0).asText().equals("retired")) {
        assertTrue(g.get("index").asDouble() > 150, "students and the retired subscribe about twice as often: " + g);
      }
    }
    Result l = run(with(bank, "lookalike", "subscribed = \"yes\"", "--evaluate", "--format", "json"));
    assertEquals(0, l.code(), l.err());
    JsonNode lj = new ObjectMapper().readTree(l.out());
    assertEquals(451, lj.get("seed_members").asInt());
    assertTrue(lj.get("recovery").get(3).get("lift").asDouble() > 2, "the closest 10 % hold over twice their share of hidden subscribers: " + lj.get("recovery"));
  }
}
