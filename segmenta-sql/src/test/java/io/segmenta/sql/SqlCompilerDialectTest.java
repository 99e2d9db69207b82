package io.segmenta.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.Schema;
import io.segmenta.testkit.ExperimentScenario;
import io.segmenta.testkit.RandomShop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Everything engine-specific goes through {@link Dialect}: compiled with a dialect of made-up functions, the SQL of
 * random rules, of every computed trait (from the events and from the kept aggregates), of the kept aggregates'
 * maintenance and of an experiment analysis holds no DuckDB function, type or syntax, and every dialect method is
 * reached.
 */
class SqlCompilerDialectTest {
  /** DuckDB's own names and syntax, which a standard-SQL engine (Spark, PostgreSQL) would not accept. */
  private static final List<String> DUCKDB = List.of("histogram(", "arg_min(", "list_filter(", "list_transform(", "list_has_any(",
      "list_contains(", "list_sort(", "map_entries(", "lambda ", "sg_vpad(", "sg_vparts(", "strftime(", "epoch_us(", "to_seconds(",
      "regexp_matches(", "starts_with(", "suffix(", "contains(", "len(", "string_split", "GROUP BY ALL", "[", "]", "{", "}", "//",
      "::", "\"");
  /** DuckDB's type names, as whole words (the made-up dialect's types are TK_NUMBER and so on). */
  private static final Pattern DUCKDB_TYPES = Pattern.compile("\\b(VARCHAR|DOUBLE|TIMESTAMP|DATE|BOOLEAN)\\b");
  private static final Pattern TOKEN = Pattern.compile("TK_[A-Z_]+");

  private final Schema schema = Schema.standard();
  private final Dialect dialect = new TokenDialect();
  private final SqlCompiler plain = new SqlCompiler(schema, dialect, SegmentResolver.NONE);
  private final Facts facts = Facts.of(schema, plain);
  /** Kept aggregates through the random shop's end: rules after it read them. */
  private final SqlCompiler compiler = new SqlCompiler(schema, dialect, SegmentResolver.NONE, facts, RandomShop.END);
  private final TreeSet<String> tokens = new TreeSet<>();

  private void assertNeutral(String sql, String what) {
    for (String duck : DUCKDB) {
      assertTrue(!sql.contains(duck), () -> what + " writes DuckDB's '" + duck + "' outside the dialect: " + sql);
    }
    Matcher type = DUCKDB_TYPES.matcher(sql);
    assertTrue(!type.find(), () -> what + " writes DuckDB's type " + type.group() + " outside the dialect: " + sql);
    Matcher m = TOKEN.matcher(sql);
    while (m.find()) {
      tokens.add(m.group());
    }
  }

  @Test
  void select_otherDialect_writesNoDuckDbSql() {
    RandomShop random = new RandomShop(20251122);
    List<Measure> measures = new ArrayList<>(ComputedTraits.all().values());
    for (int i = 0; i < 1500; i++) {
      Rule rule = random.rule();
      Instant asOf = i % 3 == 0 ? RandomShop.END.plusSeconds(86_400) : random.asOf();
      String text = RuleText.print(rule);
      assertNeutral(compiler.select(rule, asOf, "count(*)", null, List.of()).sql(), text);
      assertNeutral(compiler.select(rule, asOf, "p.pkey", null, List.of(), 7).sql(), text);
      if (i % 10 == 0) {
        assertNeutral(compiler.membershipMasks(List.of(rule, random.rule()), asOf, measures, List.of("age")).sql(), text);
        assertNeutral(compiler.totals(rule, asOf, measures, List.of("age")).sql(), text);
        assertNeutral(compiler.selectWithMeasures(rule, asOf, "p.pkey", measures, "ORDER BY p.pkey").sql(), text);
      }
    }
    // Every function of the dialect that rules reach was reached, so the check above covered them all.
    List<String> expected = new ArrayList<>();
    for (String t : List.of("REGEX", "ANY", "HAS_ANY", "LIST_CONTAINS", "LIST_LOWER", "LIST_LENGTH", "LIST", "CONTAINS", "STARTS",
        "ENDS", "VERSION", "DAYS", "HISTOGRAM", "MOST_FREQUENT", "FIRST_VALUE", "MONTH", "NUMBER", "STRING", "TIMESTAMP")) {
      expected.add("TK_" + t);
    }
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(tokens);
    assertEquals(List.of(), missing, "dialect methods no rule reached; reached: " + tokens);
  }

  @Test
  void aggregate_otherDialect_writesNoDuckDbSql() {
    assertNeutral(facts.aggregate("e.pkey", "events e", "e.pkey IS NOT NULL").sql(), "the kept aggregates");
    assertNeutral(facts.combine("profile_facts", "d"), "adding to the kept aggregates");
    assertTrue(facts.combine("profile_facts", "d").contains("`order_count` = profile_facts.`order_count` + d.`order_count`"),
        facts.combine("profile_facts", "d"));
  }

  @Test
  void build_otherDialect_writesNoDuckDbSql() {
    Experiment base = ExperimentScenario.experiment();
    List<Metric> metrics = List.of(Metric.parse("purchase = count(order) >= 1", false), Metric.parse("revenue = sum(order.revenue)", false),
        Metric.parse("aov = sum(order.revenue) / count(order)", false), Metric.parse("kids = count(order_line where category = \"kids\")", false));
    Experiment e = new Experiment(base.key(), base.description(), base.allocation(), base.targeting(), metrics, base.window(),
        RuleText.parseRule("variation_id exists"), base.start(), base.stop(), base.name(), base.phase());
    List<Rule> segments = List.of(RuleText.parseRule("country = \"DK\""), RuleText.parseRule("count(order in last 90 days) >= 2"));
    String sql = ExperimentSql.build(compiler, e, segments, ExperimentScenario.START, ExperimentScenario.STOP).sql();
    assertNeutral(sql, "the experiment query");
    assertTrue(sql.toUpperCase(Locale.ROOT).contains("TK_PLUS_SECONDS("), sql);
  }
}
