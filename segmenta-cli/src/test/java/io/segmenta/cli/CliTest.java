package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** The command line as a user meets it: exit codes, one-line errors, and what each command prints. */
class CliTest {
  @TempDir
  static Path dir;
  static Path data;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    int code = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void demo() {
    data = dir.resolve("data");
    Result r = run("demo", "--customers", "1500", "--data-dir", data.toString(), "--threads", "2", "--memory-limit", "1GB");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Segments as of 2025-06-30T23:00:00Z (1,500 profiles)"), r.out());
    assertTrue(r.out().contains("students") && r.out().contains("high-returners") && r.out().contains("█"), r.out());
  }

  static String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data-dir");
    all.add(data.toString());
    return all.toArray(new String[0]);
  }

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Segment {
    @Test
    @Order(1)
    void count_savedSegmentAndInlineRule() {
      Result r = run(with("segment", "count", "students", "--as-of", "2025-06-30"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().matches("(?s)\\d[\\d,]* of 1,500 profiles \\(\\d+\\.\\d%\\) as of 2025-06-30T23:59:59\\.999999Z \\(the end of 2025-06-30, UTC\\)\\s*"), r.out());
      Result inline = run(with("segment", "count", "segment \"students\" and count(order in last 365 days) >= 1", "--as-of", "latest"));
      assertEquals(0, inline.code(), inline.err());
    }

    @Test
    void check_typeErrorIsOneClearLineWithCaret() {
      Result r = run(with("segment", "check", "age > 30 and cuntry = \"DK\""));
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith("segmenta: line 1, column 14: unknown trait 'cuntry' (did you mean 'country'?)"), r.err());
      assertTrue(r.err().contains("age > 30 and cuntry = \"DK\"\n               ^"), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void explain_showsWindowsAndSql() {
      Result r = run(with("segment", "explain", "high-returners", "--as-of", "2025-06-30T23:00:00Z"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("count over order events from 2024-06-30T23:00:00Z until 2025-06-30T23:00:00.000001Z"), r.out());
      assertTrue(r.out().contains("WITH a_e AS (SELECT e.pkey"), r.out());
    }

    @Test
    void members_pagesThroughIds() {
      Result page1 = run(with("segment", "members", "full-time-workers", "--limit", "3"));
      Result page2 = run(with("segment", "members", "full-time-workers", "--limit", "3", "--offset", "3"));
      assertEquals(3, page1.out().lines().count());
      assertEquals(3, page2.out().lines().count());
      assertFalse(page1.out().contains(page2.out().lines().findFirst().orElseThrow()));
    }

    @Test
    void export_csvAndJsonToAFile() throws Exception {
      Path csv = dir.resolve("lux.csv");
      Result r = run(with("segment", "export", "luxury-buyers", "--traits", "first_name,city,interests", "--as-of", "latest", "-o", csv.toString()));
      assertEquals(0, r.code(), r.err());
      List<String> lines = Files.readAllLines(csv);
      assertEquals("profile_id,email,phone,first_name,city,interests", lines.get(0));
      assertTrue(lines.size() > 5, "luxury buyers exist in the demo shop");
      assertTrue(lines.get(1).matches("c\\d{7},c\\d{7}@example\\.com,,[^,]+,[^,]+,.*"), lines.get(1));
      Path json = dir.resolve("lux.jsonl");
      run(with("segment", "export", "luxury-buyers", "--format", "json", "--traits", "income", "--as-of", "latest", "-o", json.toString()));
      var first = new ObjectMapper().readTree(Files.readAllLines(json).get(0));
      assertTrue(first.get("traits").get("income").asDouble() >= 90000, first.toString());
      assertEquals(lines.size() - 1, Files.readAllLines(json).size());
    }

    @Test
    void save_rejectsACycle() {
      assertEquals(0, run(with("segment", "save", "x1", "age > 30")).code());
      assertEquals(0, run(with("segment", "save", "x2", "segment \"x1\" and city = \"Oslo\"")).code());
      Result cycle = run(with("segment", "save", "x1", "segment \"x2\""));
      assertEquals(2, cycle.code());
      assertTrue(cycle.err().contains("would refer to itself: x1 -> x2 -> x1"), cycle.err());
      Result delete = run(with("segment", "delete", "x1"));
      assertEquals(2, delete.code());
      assertTrue(delete.err().contains("segment 'x2' refers to 'x1'"), delete.err());
    }
  }

  @Nested
  class Import {
    @Test
    void import_badFileIsRefusedWithLinesAndNothingWritten() throws Exception {
      Path f = dir.resolve("bad.csv");
      Files.writeString(f, "id,age\na,12\nb,twelve\nc,\n");
      Path before = data;
      String statsBefore = run(with("stats")).out();
      Result r = run(with("import", f.toString(), "--map", "target=profiles", "--map", "id=id", "--map", "trait.age=age"));
      assertEquals(2, r.code());
      assertTrue(r.err().contains("bad.csv:3, column age: expected a number such as 12.5, got 'twelve'"), r.err());
      assertTrue(r.err().contains("nothing was imported"), r.err());
      assertEquals(statsBefore, run(with("stats")).out());
      assertTrue(Files.exists(before));
    }

    @Test
    void import_missingFileAndMissingMappingAreOneLine() {
      Result r = run(with("import", dir.resolve("nope.csv").toString()));
      assertEquals(2, r.code());
      assertEquals(1, r.err().lines().count(), r.err());
      Path f = dir.resolve("x.csv");
      try {
        Files.writeString(f, "a\n1\n");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      Result m = run(with("import", f.toString()));
      assertEquals(2, m.code());
      assertTrue(m.err().startsWith("segmenta: a CSV or Parquet file needs a mapping"), m.err());
    }
  }

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Worth {
    static final String AS_OF = "2025-06-30T23:00:00Z";

    @Test
    @Order(1)
    void rfm_storesScoresAndBuiltInSegments() throws Exception {
      Result r = run(with("rfm", "--as-of", AS_OF, "--format", "json"));
      assertEquals(0, r.code(), r.err());
      var doc = new ObjectMapper().readTree(r.out());
      long sum = 0;
      for (var g : doc.get("groups")) {
        sum += g.get("customers").asLong();
      }
      assertEquals(doc.get("customers").asLong(), sum);
      Result champions = run(with("segment", "count", "rfm-champions", "--as-of", AS_OF));
      assertEquals(0, champions.code(), champions.err());
      assertTrue(champions.out().contains(String.format("%,d of", doc.get("groups").get(0).get("customers").asLong())), champions.out());
    }

    @Test
    @Order(5)
    void rfm_overAPeriodScoresOnlyThatPeriodsBuyers() throws Exception {
      var all = new ObjectMapper().readTree(run(with("rfm", "--as-of", AS_OF, "--format", "json")).out());
      var year = new ObjectMapper().readTree(run(with("rfm", "--as-of", AS_OF, "--period", "in last 90 days", "--format", "json")).out());
      assertTrue(year.get("customers").asLong() < all.get("customers").asLong(), year.get("customers") + " vs " + all.get("customers"));
      Result bad = run(with("rfm", "--period", "recently"));
      assertEquals(2, bad.code());
      assertTrue(bad.err().contains("--period must be a window"), bad.err());
    }

    @Test
    @Order(2)
    void scores_usedAtAnotherAsOfSaySo() {
      Result same = run(with("segment", "count", "rfm-champions", "--as-of", AS_OF));
      assertFalse(same.err().contains("note:"), same.err());
      Result other = run(with("segment", "count", "rfm-champions", "--as-of", "2025-01-01"));
      assertEquals(0, other.code());
      assertTrue(other.err().startsWith("note: rfm_group holds scores as of " + AS_OF + ", not 2025-01-01T23:59:59.999999Z"), other.err());
      Result preview = run(with("segment", "preview", "orders >= 2", "--as-of", AS_OF));
      assertTrue(preview.out().endsWith("exact" + System.lineSeparator()) || preview.out().contains("exact"), preview.out());
    }

    @Test
    @Order(3)
    void clv_fitsAndScores() throws Exception {
      Result r = run(with("clv", "--as-of", AS_OF, "--format", "json"));
      assertEquals(0, r.code(), r.err());
      var doc = new ObjectMapper().readTree(r.out());
      assertEquals("ok", doc.get("bg_nbd").get("diagnostic").asText());
      assertTrue(doc.get("scored").asLong() > 1000);
      Result risky = run(with("segment", "count", "clv_churn_risk > 0.5 and segment \"luxury-buyers\"", "--as-of", AS_OF));
      assertEquals(0, risky.code(), risky.err());
    }

    @Test
    @Order(4)
    void value_tableCsvAndJson() throws Exception {
      Result t = run(with("value", "high-returners", "luxury-buyers", "--as-of", AS_OF, "--margin", "default=0.4"));
      assertEquals(0, t.code(), t.err());
      assertTrue(t.out().contains("high-returners       trap      revenue share"), t.out());
      Result c = run(with("value", "high-returners", "--as-of", AS_OF, "--format", "csv"));
      assertTrue(c.out().startsWith("segment,members,customer share,gross revenue"), c.out());
      assertTrue(c.out().lines().anyMatch(l -> l.startsWith("high-returners,") && l.contains(",trap")), c.out());
      Result j = run(with("value", "--as-of", AS_OF, "--format", "json"));
      var doc = new ObjectMapper().readTree(j.out());
      assertTrue(doc.get("segments").size() > 10, "every saved segment");
      assertEquals(1.0, doc.get("overlap").get("jaccard").get(0).get(0).asDouble());
      Result bad = run(with("value", "--window", "lately"));
      assertEquals(2, bad.code());
      assertTrue(bad.err().contains("--window must be a window"), bad.err());
    }

    @Test
    void cohorts_retentionTable() {
      Result r = run(with("cohorts", "--as-of", AS_OF, "--format", "csv"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().startsWith("cohort,months_since,customers"));
      Result t = run(with("cohorts", "--as-of", AS_OF, "--percent"));
      assertTrue(t.out().contains("size") && t.out().contains("%"), t.out());
    }
  }

  @Test
  void cluster_findsTheReturnersAndSavesEditableRules() throws Exception {
    Result r = run(with("cluster", "--k", "4", "--as-of", "2025-06-30", "--format", "json", "--save", "clx"));
    assertEquals(0, r.code(), r.err());
    var j = new ObjectMapper().readTree(r.out());
    assertEquals(4, j.get("k").asInt());
    int total = 0;
    boolean returners = false;
    for (var c : j.get("clusters")) {
      total += c.get("size").asInt();
      returners |= c.get("distinguishing").get(0).asText().startsWith("return_rate high") && c.get("rule").asText().contains("return_rate >");
    }
    assertEquals(j.get("customers").asInt(), total);
    assertTrue(returners, "a cluster is the planted returners, and its rule says so: " + j.get("clusters"));
    assertTrue(j.get("fidelity").asDouble() > 0.6, j.toString());
    assertEquals(4, j.get("saved").size());
    Result counted = run(with("segment", "count", "clx-1", "--as-of", "2025-06-30"));
    assertEquals(0, counted.code(), counted.err());
    for (int i = 1; i <= 4; i++) {
      assertEquals(0, run(with("segment", "delete", "clx-" + i)).code());
    }
    Result gmm = run(with("cluster", "--method", "gmm", "--features", "net_revenue,days_since_last_order,tenure_days", "--k", "3", "--as-of", "2025-06-30", "--format", "json"));
    assertEquals(0, gmm.code(), gmm.err());
    assertEquals(3, new ObjectMapper().readTree(gmm.out()).get("clusters").size());
    assertEquals(2, run(with("cluster", "--method", "dbscan")).code());
    // A text trait becomes one column per common value, and its rules say country = "..." as the language does.
    Result onehot = run(with("cluster", "--features", "net_revenue,country", "--k", "3", "--as-of", "2025-06-30", "--format", "json", "--save", "cc"));
    assertEquals(0, onehot.code(), onehot.err());
    var oh = new ObjectMapper().readTree(onehot.out());
    assertTrue(oh.get("features").toString().contains("country=DK"), oh.get("features").toString());
    assertTrue(oh.get("clusters").toString().contains("country = \\\""), oh.get("clusters").toString());
    for (var saved : oh.get("saved")) {
      assertEquals(0, run(with("segment", "count", saved.asText(), "--as-of", "2025-06-30")).code());
      assertEquals(0, run(with("segment", "delete", saved.asText())).code());
    }
    Result explained = run(with("explain-cluster", "1", "--k", "4", "--as-of", "2025-06-30", "--save", "clx-explained"));
    assertEquals(0, explained.code(), explained.err());
    assertTrue(explained.out().contains("rule: " + j.get("clusters").get(0).get("rule").asText()), explained.out());
    assertEquals(0, run(with("segment", "delete", "clx-explained")).code());
    assertEquals(2, run(with("explain-cluster", "9", "--k", "4", "--as-of", "2025-06-30")).code());
    Result same = run(with("cluster", "--k", "4", "--as-of", "2025-06-30", "--format", "json"));
    assertEquals(j.get("clusters").toString(), new ObjectMapper().readTree(same.out()).get("clusters").toString(), "seeded: the same clusters again");
  }

  @Test
  void lookalike_tiersRecoverTheHiddenSeedAndSaveAsSegments() throws Exception {
    Result r = run(with("lookalike", "high-returners", "--evaluate", "--save", "returner-lookalike", "--tier", "5",
        "--as-of", "2025-06-30", "--format", "json"));
    assertEquals(0, r.code(), r.err());
    var j = new ObjectMapper().readTree(r.out());
    var tiers = j.get("tiers");
    assertEquals(4, tiers.size());
    for (var rec : j.get("recovery")) {
      assertTrue(rec.get("lift").asDouble() > 3, "each tier finds the hidden half far better than chance: " + j.get("recovery"));
    }
    Result counted = run(with("segment", "count", "returner-lookalike", "--as-of", "2025-06-30"));
    assertEquals(0, counted.code(), counted.err());
    assertTrue(counted.out().trim().startsWith(String.valueOf(tiers.get(2).get("size").asInt())), "the saved tier is a segment of its size: " + counted.out());
    assertEquals(0, run(with("segment", "delete", "returner-lookalike")).code());
    Result bad = run(with("lookalike", "high-returners", "--tier", "3"));
    assertEquals(2, bad.code());
  }

  @Test
  void survey_answersJoinBehaviourAndDifferBySegment() throws Exception {
    Result members = run(with("segment", "members", "high-returners", "--limit", "100000", "--as-of", "2025-06-30"));
    Set<String> returners = new HashSet<>(Arrays.asList(members.out().trim().split("\\s+")));
    StringBuilder csv = new StringBuilder("respondent,question,answer,answered_at,purpose\n");
    for (int i = 0; i < 1500; i += 2) {
      String id = String.format("c%07d", i);
      // Returners mostly find the quality disappointing; the others mostly do not.
      boolean disappointed = returners.contains(id) ? i % 10 != 0 : i % 10 == 0;
      csv.append(id).append("@example.com,Quality,").append(disappointed ? "disappointed" : "satisfied").append(",2025-06-01,personalization\n");
    }
    csv.append("nobody@example.com,Quality,satisfied,2025-06-01,\n");
    Path file = dir.resolve("survey.csv");
    Files.writeString(file, csv);
    Result imp = run(with("survey", "import", file.toString(), "--by", "email"));
    assertEquals(0, imp.code(), imp.err());
    assertTrue(imp.out().contains("750 answers of 750 profiles imported as [survey_quality]"), imp.out());
    assertTrue(imp.out().contains("line 752: no profile has email 'nobody@example.com'"), imp.out());
    Result rep = run(with("survey", "report", "Quality", "--by", "high-returners", "--by", "not segment \"high-returners\"", "--as-of", "2025-06-30", "--format", "json"));
    assertEquals(0, rep.code(), rep.err());
    var j = new ObjectMapper().readTree(rep.out());
    assertTrue(j.get("p_value").asDouble() < 1e-6, j.toString());
    var row = j.get("rows").get(0);
    assertEquals(row.get("answered").asLong(), row.get("counts").get("disappointed").asLong() + row.get("counts").path("satisfied").asLong(0));
    assertTrue(row.get("answered").asDouble() / row.get("members").asDouble() > 0.4, "about half of each segment answered: " + row);
    Result rule = run(with("segment", "count", "survey_quality = \"disappointed\" and survey_quality_at > 2025-05-01", "--as-of", "2025-06-30"));
    assertEquals(0, rule.code(), rule.err());
    // JSON lines through import-survey; an all-numeric question becomes a number trait.
    Path jsonl = dir.resolve("nps.jsonl");
    Files.writeString(jsonl, "{\"respondent\": \"c0000003@example.com\", \"question\": \"Would recommend\", \"answer\": \"9\", \"answered_at\": \"2025-06-02T10:00:00Z\"}\n"
        + "{\"respondent\": \"c0000005@example.com\", \"question\": \"Would recommend\", \"answer\": \"4\", \"answered_at\": \"2025-06-03\"}\n");
    Result nps = run(with("import-survey", jsonl.toString()));
    assertEquals(0, nps.code(), nps.err());
    assertTrue(nps.out().contains("2 answers of 2 profiles imported as [survey_would_recommend]"), nps.out());
    Result promoters = run(with("segment", "count", "survey_would_recommend >= 9", "--as-of", "2025-06-30"));
    assertTrue(promoters.out().trim().startsWith("1 of"), promoters.out());
    Path broken = dir.resolve("broken.jsonl");
    Files.writeString(broken, "{\"respondent\": \"x@example.com\", \"question\": \"Q\"}\n");
    Result bad = run(with("import-survey", broken.toString()));
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("broken.jsonl:1: field 'answer' is missing"), bad.err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Result r = run("segment", "count", "age > 1", "--bogus");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("segmenta: Unknown option: '--bogus'"), r.err());
  }

  @Test
  void generate_writesJsonLines() throws Exception {
    Path out = dir.resolve("gen");
    Result r = run("generate", "--customers", "50", "--seed", "7", "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(50, Files.readAllLines(out.resolve("profiles.jsonl")).size());
    assertTrue(Files.size(out.resolve("events.jsonl")) > 1000);
  }

  /** Placements, decisions, recommendations and e-mail previews from the shell, on the demo shop. */
  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Personalize {
    @Test
    @Order(1)
    void placement_createChecksTheRules() throws Exception {
      Path bad = dir.resolve("bad-placement.json");
      Files.writeString(bad, "{\"key\": \"hero\", \"contents\": [{\"key\": \"a\", \"rule\": \"segment studnets\"}], \"fallback\": {\"key\": \"d\"}}");
      Result r = run(with("placement", "create", bad.toString()));
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith("segmenta: placement 'hero', content 'a': "), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
      Path good = dir.resolve("placement.json");
      Files.writeString(good, "{\"key\": \"hero\", \"contents\": [{\"key\": \"student_deal\", \"rule\": \"segment students\", \"recommendations\": 3},"
          + " {\"key\": \"garden_ideas\", \"rule\": \"top_interest = \\\"garden\\\"\"}], \"fallback\": {\"key\": \"default\"}}");
      Result ok = run(with("placement", "create", good.toString()));
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("saved placement hero: 2 contents, strategy first_match"), ok.out());
      assertTrue(run(with("placement", "list")).out().contains("student_deal, garden_ideas"));
    }

    @Test
    @Order(2)
    void decide_anonymousSession() {
      Result r = run(with("decide", "--anonymous", "a-1", "--click", "product:garden:g1", "--click", "product:garden:g2", "--click", "category:garden",
          "--format", "json"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("\"topInterest\" : \"garden\""), r.out());
      assertTrue(r.out().contains("\"content\" : \"garden_ideas\""), r.out());
      Result known = run(with("decide", "--user", "c0000001"));
      assertEquals(0, known.code(), known.err());
      assertTrue(known.out().contains("not personalized: no consent"), known.out());
    }

    @Test
    @Order(3)
    void recommend_profilePopularAndEvaluation() {
      Result r = run(with("recommend", "c0000001", "-n", "5", "--new"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("recommender built in") || r.out().contains("recommender kept from an earlier call"), r.out());
      Result pop = run(with("recommend", "--popular", "--segment", "students", "-n", "3"));
      assertEquals(0, pop.code(), pop.err());
      Result ev = run(with("recommend", "--evaluate", "--split", "2025-03-01"));
      assertEquals(0, ev.code(), ev.err());
      assertTrue(ev.out().contains("personal (buys again + bought together)") && ev.out().contains("popularity (all time)"), ev.out());
      Result none = run(with("recommend"));
      assertEquals(2, none.code());
      assertTrue(none.err().contains("name a PROFILE, or use --popular or --evaluate"), none.err());
    }

    @Test
    @Order(4)
    void email_preview() throws Exception {
      Path t = dir.resolve("thanks.json");
      Files.writeString(t, "{\"key\": \"thanks\", \"subject\": \"Hi {{ first_name | default(\\\"there\\\") }}\", \"body\": \"<p>{{ orders }} orders</p>"
          + "{% for i in recommendations %}<i>{{ i.product_id }}</i>{% endfor %}\", \"recommendations\": 2}");
      Result r = run(with("email", "preview", "--template", t.toString(), "--profile", "c0000001"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().startsWith("Subject: Hi "), r.out());
      assertTrue(r.out().contains("orders</p><i>"), r.out());
      // The template, the kept model and the store are read at once; their errors still come as a user's mistakes.
      Result nobody = run(with("email", "preview", "--template", t.toString(), "--profile", "c9999999"));
      assertEquals(2, nobody.code());
      assertTrue(nobody.err().contains("there is no profile 'c9999999'"), nobody.err());
      Path bad = dir.resolve("bad.json");
      Files.writeString(bad, "{\"key\": \"bad\", \"subject\": \"Hi {{ first_name \", \"body\": \"x\"}");
      Result broken = run(with("email", "preview", "--template", bad.toString(), "--profile", "c9999999"));
      assertEquals(2, broken.code());
      assertTrue(broken.err().contains("template 'bad', subject"), "the template's error comes first: " + broken.err());
      assertFalse(broken.err().contains("Exception"), broken.err());
    }

    @Test
    @Order(4)
    void segmentCheck_bareIdentifier_isWrittenOut() {
      Result r = run(with("segment", "check", "email exists and phone missing"));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("ok: identifier.email exists and identifier.phone missing"), r.out());
      Result c = run(with("segment", "count", "email exists"));
      Result p = run(with("segment", "count", "identifier.email exists"));
      assertEquals(0, c.code(), c.err());
      assertEquals(p.out(), c.out(), "the bare name counts what the prefixed one counts");
    }

    /** The examples the README and docs/personalization.md point at work as written. */
    @Test
    @Order(5)
    void documentedExamples_work() {
      // The README runs 'segmenta rfm' first, which saves the rfm-* segments the example refers to.
      assertEquals(0, run(with("rfm", "--as-of", "latest")).code());
      Result p = run(with("placement", "create", Path.of("..", "docs", "examples", "home_hero.json").toString()));
      assertEquals(0, p.code(), p.err());
      Result d = run(with("decide", "--anonymous", "a-2", "--click", "/help/returns", "--click", "/help/shipping", "--placement", "home_hero"));
      assertEquals(0, d.code(), d.err());
      assertTrue(d.out().contains("reassure"), d.out());
      Result e = run(with("email", "preview", "--template", Path.of("..", "docs", "examples", "after_purchase.json").toString(), "--profile", "c0000002"));
      assertEquals(0, e.code(), e.err());
      assertTrue(e.out().startsWith("Subject: Hi "), e.out());
    }
  }
}
