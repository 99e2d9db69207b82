package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.identity.MergeClosure;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Erasure;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.Violation;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.testkit.DataFiles;

/**
 * Erasing a person removes every row about them, including a profile merged away from them that came back with
 * events sent after the merge, and the bytes: after the store is closed, no file of the data directory holds
 * their e-mail, ids or order ids.
 */
class ErasureTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");
  private static final String EMAIL = "erasable.person@example.org";

  @TempDir
  Path dir;


  private static Event order(String id, String profile, String anonymous, Instant at) {
    return new Event(id, profile, anonymous, "order", at, Map.of("order_id", Value.of(id + "-secret"), "revenue", Value.of(40)),
        List.of(new OrderLine("sku-" + id, "Product of " + id, "shoes", 1, 40, 0)));
  }

  @Test
  void erase_aPersonsMergeClosure_removesEveryRowAndEveryByte() throws Exception {
    List<String> secrets = List.of(EMAIL, "u-erase-old", "u-erase-new", "anon-erase-1", "Secretname", "ord-before-merge-secret",
        "ord-after-merge-secret", "ord-anonymous-secret");
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "500MB", 2, Map.of()))) {
      s.catalog().declareTrait(new TraitDef("churn_score", ValueType.NUMBER, Family.SCORE, "a model's score"));
      // A guest's order, then the guest identifies as u-erase-old.
      s.profiles().write(new Batch(List.of(), List.of(order("ord-anonymous", null, "anon-erase-1", T))));
      s.profiles().write(new Batch(List.of(new Profile("u-erase-old", List.of(Identifier.email(EMAIL), new Identifier("anonymous_id", "anon-erase-1")),
          Map.of("first_name", Value.of("Secretname")))), List.of(order("ord-before-merge", "u-erase-old", null, T.plusSeconds(60)))));
      s.profiles().write(new Batch(List.of(new Profile("keep-1", List.of(Identifier.email("keep@example.org")), Map.of("first_name", Value.of("Kept")))),
          List.of(order("ord-keep", "keep-1", null, T.plusSeconds(30)))));
      s.consent().recordConsent("u-erase-old", List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, T, "test")));
      s.membership().recordMembershipChanges(List.of(new MembershipChange("u-erase-old", "buyers", true, T, "ord-before-merge")));
      // A lenient source kept a clashing value whose example is the person's e-mail: the example goes with them.
      s.violationLog().recordViolations("web", List.of(new Violation(-1, "identify", "traits.contact", "number", "'" + EMAIL + "'")), T);
      // The same e-mail on a new account: the old one is merged into it...
      s.profiles().write(new Batch(List.of(new Profile("u-erase-new", List.of(Identifier.email(EMAIL)), Map.of())), List.of()));
      s.identities().merge("u-erase-new", "u-erase-old", "same email", T.plusSeconds(120));
      // ...and a client that still sends the old id makes it a profile again, with an order after the merge.
      s.profiles().write(new Batch(List.of(), List.of(order("ord-after-merge", "u-erase-old", null, T.plusSeconds(180)))));
      s.scores().writeScores(ScoreProvenance.of("test", T.plusSeconds(200), Clock.systemUTC(), "test"), "churn_score", new String[] {"u-erase-old", "u-erase-new", "keep-1"}, new double[] {0.1, 0.2, 0.3});
      assertTrue(s.profiles().history("u-erase-old").isPresent(), "the merged-away id came back");
      s.close();
      for (String secret : secrets) {
        assertFalse(DataFiles.holding(dir, secret).isEmpty(), secret + " is on disk before the erasure (so the check below can fail)");
      }
    }
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "500MB", 2, Map.of()))) {
      var person = MergeClosure.of(s.identities(), s.identities().holders("email", EMAIL));
      assertEquals(List.of("u-erase-new", "u-erase-old"), person.stream().sorted().toList());
      long t0 = System.nanoTime();
      Erasure e = s.profiles().erase(person);
      System.out.printf("erasure with the rewrite: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertEquals(List.of("u-erase-new", "u-erase-old"), e.profileIds().stream().sorted().toList());
      assertEquals(3, e.events(), "the guest order, the order before and the one after the merge");
      assertEquals(3, e.orderLines());
      assertTrue(s.profiles().history("u-erase-new").isEmpty());
      assertTrue(s.profiles().history("u-erase-old").isEmpty());
      assertTrue(s.identities().merges(null).isEmpty());
      assertTrue(s.membership().membershipChanges(null, null, Instant.EPOCH, 100).isEmpty());
      assertEquals(1, s.profiles().stats().profiles());
      assertEquals(1, s.profiles().stats().events());
      assertEquals(1, s.profiles().stats().orderLines());
      assertEquals(Value.of("Kept"), s.profiles().history("keep-1").orElseThrow().profile().trait("first_name"));
      assertEquals(1, s.audiences().run(new AudienceQuery.Count(RuleText.parseRule("orders >= 1"), T.plusSeconds(3600))), "kept aggregates agree with the events left");
      assertEquals(0L, IdempotentWriteTest.count(s, "SELECT count(*) FROM profile_facts WHERE pkey NOT IN (SELECT pkey FROM profiles)"));
      assertEquals(1, s.violationLog().violations(null, 10).size(), "the violation's count stays, without its example");
    }
    for (String secret : secrets) {
      assertEquals(List.of(), DataFiles.holding(dir, secret), secret + " is in no file after the erasure");
    }
    assertFalse(DataFiles.holding(dir, "keep@example.org").isEmpty(), "the other customer is still there");
  }
}
