package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.TypeChecker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;

/** Rules that read identifiers ({@code identifier.email exists}), in SQL and in memory, on an imported file. */
class IdentifierRulesTest {
  private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir
  Path dir;
  Store store;

  @BeforeEach
  void open() throws Exception {
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
    Path f = dir.resolve("customers.csv");
    Files.writeString(f, String.join("\n", "id,mail,mobile,age", "a,Anna@Gmail.com,+45 1111,30", "b,bo@example.dk,,40", "c,,+45 2222,50",
        "d,,,60", ""), StandardCharsets.UTF_8);
    try (CsvSource src = new CsvSource(f, ',', '"', StandardCharsets.UTF_8, true)) {
      Importer.run(src, Mapping.parse("m.map", "target = profiles\nid = id\nidentifier.email = mail\nidentifier.phone = mobile\ntrait.age = age"),
          store.catalog(), store.profiles(), Importer.Options.strict());
    }
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** The members SQL selects, checked against the in-memory evaluator over the same profiles. */
  List<String> members(String text) {
    Rule rule = RuleText.parseRule(text);
    new TypeChecker(store.catalog().schema(), SegmentResolver.NONE).check(RuleText.parse(text));
    assertEquals(rule, RuleText.parseRule(RuleText.print(rule)), "text round trip");
    assertEquals(rule, RuleJson.parseRule(RuleJson.print(rule)), "json round trip");
    List<String> sql = store.audiences().run(new AudienceQuery.Page(rule, AT, 0, 100));
    List<String> memory = new ArrayList<>();
    Evaluator e = Evaluator.strict(AT, SegmentResolver.NONE);
    for (String id : store.profiles().profileIds()) {
      ProfileHistory h = store.profiles().history(id).orElseThrow();
      if (e.matches(rule, h)) {
        memory.add(id);
      }
    }
    assertEquals(memory, sql, "SQL and memory disagree on " + text);
    return sql;
  }

  @Test
  void members_existsAndMissing() {
    assertEquals(List.of("a", "b"), members("identifier.email exists"));
    assertEquals(List.of("c", "d"), members("identifier.email missing"));
    assertEquals(List.of("b", "d"), members("identifier.phone missing"));
    assertEquals(List.of("d"), members("not identifier.email exists and identifier.phone missing"));
  }

  @Test
  void members_textOperatorsOnNormalisedEmails() {
    assertEquals(List.of("a"), members("identifier.email matches \"@gmail\\\\.com$\""), "e-mails are stored lower-case");
    assertEquals(List.of("b"), members("identifier.email contains \"example\" and age > 35"));
    assertEquals(List.of("a"), members("identifier.email ends with \"@gmail.com\""));
    assertEquals(List.of("b", "c", "d"), members("not identifier.email ends with \"@gmail.com\""));
    assertEquals(RuleText.parseRule("identifier.email ends with \"@gmail.com\""),
        RuleJson.parseRule("{\"identifier.email\": {\"$endsWith\": \"@gmail.com\"}}"), "JSON spells it $endsWith");
    assertEquals(List.of("c"), members("identifier.phone starts with \"+45 2\""));
    assertEquals(List.of("b", "c", "d"), members("not identifier.email = \"anna@gmail.com\""));
    assertEquals(List.of("c", "d"), members("identifier.email is null"));
  }

  @Test
  void members_anyOfSeveralIdentifiersOfOneKind() {
    store.profiles().write(new Batch(List.of(new Profile("d", List.of(
        Identifier.email("d@work.example"), Identifier.email("d@gmail.com")), Map.of())), List.of()));
    assertEquals(List.of("a", "d"), members("identifier.email matches \"gmail\""));
    assertEquals(List.of("b", "d"), members("identifier.email matches \"example\""));
    assertEquals(List.of("a", "b", "d"), members("identifier.email exists"));
  }

  /** The members of a rule with bare identifier names: SQL and the evaluator given the schema agree. */
  List<String> bareMembers(String text) {
    Rule rule = RuleText.parseRule(text);
    new TypeChecker(store.catalog().schema(), SegmentResolver.NONE).check(RuleText.parse(text));
    List<String> sql = store.audiences().run(new AudienceQuery.Page(rule, AT, 0, 100));
    List<String> memory = new ArrayList<>();
    Evaluator e = Evaluator.strict(AT, SegmentResolver.NONE, store.catalog().schema());
    for (String id : store.profiles().profileIds()) {
      if (e.matches(rule, store.profiles().history(id).orElseThrow())) {
        memory.add(id);
      }
    }
    assertEquals(memory, sql, "SQL and memory disagree on " + text);
    return sql;
  }

  @Test
  void members_bareIdentifierNames_readTheIdentifiers() {
    assertEquals(members("identifier.email exists"), bareMembers("email exists"));
    assertEquals(List.of("a"), bareMembers("email ends with \"@gmail.com\""));
    assertEquals(List.of("b", "d"), bareMembers("phone missing"));
    assertEquals(List.of("b"), bareMembers("email contains \"example\" and age > 35"));
    assertEquals(List.of("b", "c", "d"), bareMembers("not email ends with \"@gmail.com\""));
    Rule written = IdentifierField.resolve(RuleText.parseRule("email exists and phone missing"), store.catalog().schema());
    assertEquals("identifier.email exists and identifier.phone missing", RuleText.print(written), "a checked rule is kept written out");
    assertTrue(IdentifierField.shadowed(written, store.catalog().schema()).isEmpty());
  }

  @Test
  void members_aTraitOfTheSameNameWins_withAWarning() {
    store.catalog().declareTrait(new TraitDef("phone", ValueType.STRING, Family.CONTACT, "a phone typed into a form"));
    store.profiles().write(new Batch(List.of(new Profile("d", List.of(), Map.of("phone", Value.of("+45 9999")))), List.of()));
    assertEquals(List.of("d"), bareMembers("phone exists"), "the trait, not the identifiers (a and c hold phone identifiers)");
    assertEquals(List.of("c"), members("identifier.phone starts with \"+45 2\""), "the prefix still reads the identifiers");
    Rule rule = RuleText.parseRule("phone exists");
    assertEquals(rule, IdentifierField.resolve(rule, store.catalog().schema()), "left as the trait");
    List<String> warnings = IdentifierField.shadowed(rule, store.catalog().schema());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("'phone' reads the trait phone") && warnings.get(0).contains("identifier.phone"), warnings.get(0));
  }

  @Test
  void check_unknownTraitPointsAtTheIdentifierAndBadKindIsNamed() {
    TypeChecker checker = new TypeChecker(store.catalog().schema(), SegmentResolver.NONE);
    RuleException e = assertThrows(RuleException.class, () -> checker.check(RuleText.parse("user_id exists")));
    assertTrue(e.getMessage().contains("unknown trait 'user_id'; an identifier is read as identifier.user_id (e.g. identifier.user_id exists)"), e.getMessage());
    RuleException typo = assertThrows(RuleException.class, () -> checker.check(RuleText.parse("emial exists")));
    assertTrue(typo.getMessage().contains("unknown trait 'emial'"), "a name that is no kind Segmenta stores stays an error: " + typo.getMessage());
    ParsedRule bad = RuleText.parse("identifier.E_mail exists");
    RuleException k = assertThrows(RuleException.class, () -> checker.check(bad));
    assertTrue(k.getMessage().contains("'identifier.E_mail' names no identifier kind"), k.getMessage());
    RuleException cmp = assertThrows(RuleException.class, () -> checker.check(RuleText.parse("identifier.email > 3")));
    assertTrue(cmp.getMessage().contains("expected"), cmp.getMessage());
    RuleException bareCmp = assertThrows(RuleException.class, () -> checker.check(RuleText.parse("email > 3")));
    assertTrue(bareCmp.getMessage().contains("expected"), bareCmp.getMessage());
  }
}
