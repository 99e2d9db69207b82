package io.segmenta.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.SourceMap;
import io.segmenta.core.rule.TypeChecker;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The property that makes a store's compiled SQL trustworthy: random type-correct rules over random data select
 * exactly the members the in-memory evaluator (the reference semantics) selects. Every rule also survives both
 * syntaxes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DifferentialContract extends StoreContract {
  private static final int CUSTOMERS = 250;
  /** 600 in the suite; -Dsegmenta.differential.rules=N for a deeper run. */
  private static final int RULES = Integer.getInteger("segmenta.differential.rules", 600);

  @TempDir
  static Path dir;
  private Store store;
  private List<ProfileHistory> histories;

  @BeforeAll
  void load() {
    store = open(dir);
    write(store, new RandomShop(7).data(CUSTOMERS));
    histories = new ArrayList<>();
    for (String id : profileIds(store)) {
      histories.add(history(store, id).orElseThrow());
    }
  }

  @AfterAll
  void close() {
    store.close();
  }

  /**
   * How many random rules {@link #sqlAndMemory_selectTheSameMembers} draws (the first of the same seeded sequence
   * whatever the count): {@code RULES}; an engine whose queries cost seconds each may draw fewer, saying why.
   */
  protected int rules() {
    return RULES;
  }

  @Test
  void sqlAndMemory_selectTheSameMembers() {
    int count = rules();
    RandomShop random = new RandomShop(20251122);
    TypeChecker checker = new TypeChecker(store.catalog().schema(), SegmentResolver.NONE);
    List<Rule> rules = new ArrayList<>();
    List<Instant> asOfs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rules.add(random.rule());
      Instant drawn = random.asOf();
      // Every third rule after the last event: computed traits and all-time aggregates are then read from the
      // aggregates kept per profile (Facts) rather than the events, and must select the same members.
      asOfs.add(i % 3 == 0 ? RandomShop.END.plusSeconds(86_400) : drawn);
    }
    List<List<String>> sqlMembers = membersOfEach(store, rules, asOfs);
    int nonTrivial = 0;
    for (int i = 0; i < count; i++) {
      Rule rule = rules.get(i);
      Instant asOf = asOfs.get(i);
      String text = RuleText.print(rule);
      checker.check(new ParsedRule(rule, SourceMap.none()));
      assertEquals(rule, RuleText.parseRule(text), "text round trip: " + text);
      assertEquals(rule, RuleJson.parseRule(RuleJson.print(rule)), "json round trip: " + text);
      Evaluator evaluator = Evaluator.strict(asOf, SegmentResolver.NONE);
      List<String> expected = new ArrayList<>();
      for (ProfileHistory h : histories) {
        if (evaluator.matches(rule, h)) {
          expected.add(h.profile().id());
        }
      }
      int n = i;
      assertEquals(expected, sqlMembers.get(i), () -> "rule #" + n + " at " + asOf + ": " + text + "\n" + explain(store, rule, asOf));
      if (!expected.isEmpty() && expected.size() < histories.size()) {
        nonTrivial++;
      }
    }
    // The generator must produce rules that split the population, or the test proves little.
    assertTrue(nonTrivial > count / 3, "only " + nonTrivial + " of " + count + " rules split the population");
  }

  /**
   * Identifiers written bare ({@code email exists} for {@code identifier.email exists}, as a marketer writes them): with
   * no trait of the name in the schema, the evaluator given the schema and the SQL compiler read the identifiers, and
   * select what the prefixed rule selects; the checker accepts the bare rule and writes it out as the prefixed one.
   */
  @Test
  void sqlAndMemory_bareIdentifierNames_selectWhatThePrefixedRuleSelects() {
    RandomShop random = new RandomShop(20260605);
    TypeChecker checker = new TypeChecker(store.catalog().schema(), SegmentResolver.NONE);
    List<Rule> prefixedRules = new ArrayList<>();
    List<Rule> bareRules = new ArrayList<>();
    List<Instant> asOfs = new ArrayList<>();
    for (int i = 0; i < RULES / 3; i++) {
      Rule prefixed = random.rule();
      Rule bare = bare(prefixed);
      Instant asOf = random.asOf();
      if (!bare.equals(prefixed)) {
        prefixedRules.add(prefixed);
        bareRules.add(bare);
        asOfs.add(asOf);
      }
    }
    int withIdentifiers = bareRules.size();
    List<List<String>> sqlMembers = membersOfEach(store, bareRules, asOfs);
    int nonTrivial = 0;
    for (int i = 0; i < withIdentifiers; i++) {
      Rule prefixed = prefixedRules.get(i);
      Rule bare = bareRules.get(i);
      Instant asOf = asOfs.get(i);
      String text = RuleText.print(bare);
      checker.check(new ParsedRule(bare, SourceMap.none()));
      assertEquals(prefixed, IdentifierField.resolve(bare, store.catalog().schema()), "written out: " + text);
      assertEquals(bare, RuleText.parseRule(text), "text round trip: " + text);
      Evaluator evaluator = Evaluator.strict(asOf, SegmentResolver.NONE, store.catalog().schema());
      Evaluator plain = Evaluator.strict(asOf, SegmentResolver.NONE);
      List<String> expected = new ArrayList<>();
      for (ProfileHistory h : histories) {
        boolean in = evaluator.matches(bare, h);
        assertEquals(plain.matches(prefixed, h), in, () -> "bare vs prefixed in memory for " + h.profile().id() + ": " + text);
        if (in) {
          expected.add(h.profile().id());
        }
      }
      assertEquals(expected, sqlMembers.get(i), () -> "bare identifiers at " + asOf + ": " + text);
      if (!expected.isEmpty() && expected.size() < histories.size()) {
        nonTrivial++;
      }
    }
    assertTrue(withIdentifiers > 10 && nonTrivial > withIdentifiers / 4, withIdentifiers + " rules read identifiers, " + nonTrivial + " split the population");
  }

  /** The rule with {@code identifier.email} and {@code identifier.phone} at the profile's level written bare. */
  private static Rule bare(Rule r) {
    if (r instanceof Rule.And a) {
      return new Rule.And(a.rules().stream().map(DifferentialContract::bare).toList());
    } else if (r instanceof Rule.Or o) {
      return new Rule.Or(o.rules().stream().map(DifferentialContract::bare).toList());
    } else if (r instanceof Rule.Nor n) {
      return new Rule.Nor(n.rules().stream().map(DifferentialContract::bare).toList());
    } else if (r instanceof Rule.Not n) {
      return new Rule.Not(bare(n.rule()));
    } else if (r instanceof Rule.Field f && IdentifierField.is(f.path())) {
      return new Rule.Field(IdentifierField.kind(f.path()).orElseThrow(), f.condition());
    }
    return r;
  }
}
