package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.audience.Digests;
import io.segmenta.core.destination.Channel;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Run;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.destination.json.DestinationJson;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination's sync over a real DuckDB store: the first run adds every member whose consent allows the
 * destination's purpose, the next sends only changes, a withdrawal and an erasure are removals in the next run,
 * failures are retried with backoff and recorded, and a dry run reports without changing anything.
 */
class DestinationSyncTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @TempDir
  Path dir;

  /** A channel that keeps what it was sent, and fails as told. */
  static final class Recording implements Channel {
    final List<Changes> sent = new ArrayList<>();
    final List<Channel.ChannelException> failures = new ArrayList<>();

    @Override
    public Delivery deliver(Changes changes) {
      if (!failures.isEmpty()) {
        throw failures.remove(0);
      }
      sent.add(changes);
      return Delivery.ALL;
    }

    Changes last() {
      return sent.get(sent.size() - 1);
    }
  }

  private static Destination meta(String key) {
    return DestinationJson.parse("{\"key\": \"" + key + "\", \"segment\": \"spenders\", \"kind\": \"meta\", \"exclusion\": true,"
        + " \"settings\": {\"audience_id\": \"1\", \"token_env\": \"T\", \"default_calling_code\": \"45\"}}");
  }

  private static Destination mailchimp() {
    return DestinationJson.parse("{\"key\": \"mc\", \"segment\": \"spenders\", \"kind\": \"mailchimp\","
        + " \"settings\": {\"list_id\": \"l\", \"tag\": \"spenders\", \"api_key_env\": \"K\", \"api_base\": \"http://127.0.0.1:1\"}}");
  }

  private static Profile person(String id, double spent) {
    return new Profile(id, List.of(Identifier.email(id + "@Example.com"), Identifier.phone("12 34 56 " + id.substring(1))),
        Map.of("first_name", Value.of("N" + id)));
  }

  private Store open() {
    return DuckDb.open(StoreConfig.resolve(dir, "500MB", 2, Map.of()), Clock.fixed(T, ZoneOffset.UTC));
  }

  private Syncs syncs(Store s, Channel channel, List<Duration> slept) {
    return new Syncs(s.audiences(), n -> RuleText.parse("country = \"DK\"").rule(), s.syncState(), s.destinationRuns(), d -> channel,
        d -> (Predicate<String>) id -> true, Clock.fixed(T, ZoneOffset.UTC), slept::add);
  }

  private void people(Store s, int n, Purpose purpose) {
    List<Profile> ps = new ArrayList<>();
    for (int i = 10; i < 10 + n; i++) {
      ps.add(new Profile("p" + i, List.of(Identifier.email("p" + i + "@Example.com"), Identifier.phone("12 34 56 " + i)),
          Map.of("country", Value.of("DK"))));
    }
    s.profiles().write(new Batch(ps, List.of()));
    for (Profile p : ps) {
      s.consent().recordConsent(p.id(), List.of(new ConsentRecord(purpose, true, T.minusSeconds(60), "test")));
    }
  }

  @Test
  void sync_firstRunAddsConsentingMembers_thenOnlyChanges() {
    try (Store s = open()) {
      people(s, 5, Purpose.ADVERTISING);
      // Someone in the segment who never consented to advertising is never sent.
      s.profiles().write(new Batch(List.of(new Profile("p99", List.of(Identifier.email("p99@example.com")), Map.of("country", Value.of("DK")))), List.of()));
      Recording ch = new Recording();
      Syncs syncs = syncs(s, ch, new ArrayList<>());
      Run first = syncs.sync(meta("m"), false);
      assertEquals(Run.Status.OK, first.status());
      assertEquals(5, first.added());
      assertEquals(5, ch.last().adds().size());
      // Meta's rules: lower-case e-mail, phone digits with the default calling code, SHA-256 hex.
      assertTrue(ch.last().adds().stream().anyMatch(e -> e.add().equals(Digests.sha256Hex("p10@example.com") + "," + Digests.sha256Hex("4512345610"))),
          ch.last().adds().toString());
      assertFalse(ch.last().adds().stream().anyMatch(e -> e.profileId().equals("p99")));
      Run second = syncs.sync(meta("m"), false);
      assertEquals(0, second.added());
      assertEquals(0, second.removed());
      assertEquals(5, second.members());
    }
  }

  @Test
  void sync_withdrawal_removesThePersonInTheNextSync() {
    try (Store s = open()) {
      people(s, 3, Purpose.ADVERTISING);
      Recording ch = new Recording();
      Syncs syncs = syncs(s, ch, new ArrayList<>());
      syncs.sync(meta("m"), false);
      String sent = ch.last().adds().stream().filter(e -> e.profileId().equals("p11")).findFirst().orElseThrow().add();
      s.consent().recordConsent("p11", List.of(new ConsentRecord(Purpose.ADVERTISING, false, T, "banner")));
      Run run = syncs.sync(meta("m"), false);
      assertEquals(1, run.removed());
      assertEquals(0, run.added());
      assertEquals(List.of(sent), ch.last().removes());
      assertEquals(2, s.syncState().fingerprints("m").length);
    }
  }

  @Test
  void sync_erasure_removesThePersonFromEveryDestination() {
    try (Store s = open()) {
      people(s, 3, Purpose.ADVERTISING);
      for (String id : List.of("p10", "p11", "p12")) {
        s.consent().recordConsent(id, List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, T.minusSeconds(30), "test")));
      }
      Recording ch = new Recording();
      Syncs syncs = syncs(s, ch, new ArrayList<>());
      syncs.sync(meta("m"), false);
      syncs.sync(mailchimp(), false);
      List<String> touched = new ArrayList<>();
      Erasures erasures = new Erasures(s.profiles(), s.identities(), List.of((ids, anon) -> touched.addAll(s.syncState().erase(ids))));
      erasures.erase(List.of("p12"));
      assertTrue(touched.containsAll(List.of("m", "mc")), touched.toString());
      Run m = syncs.sync(meta("m"), false);
      assertEquals(List.of(Digests.sha256Hex("p12@example.com") + "," + Digests.sha256Hex("4512345612")), ch.last().removes());
      Run mc = syncs.sync(mailchimp(), false);
      assertEquals(List.of(Digests.md5Hex("p12@example.com")), ch.last().removes());
      assertEquals(1, m.removed());
      assertEquals(1, mc.removed());
      // Nothing of the person stays in the kept state once they were removed downstream.
      long left = ((DuckDbStore) s).withConnection(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM destination_state WHERE profile_id = 'p12' OR profile_id IS NULL")) {
          rs.next();
          return rs.getLong(1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals(0, left);
    }
  }

  @Test
  void sync_retryableFailures_retriedWithBackoffThenRecorded() {
    try (Store s = open()) {
      people(s, 2, Purpose.ADVERTISING);
      Recording ch = new Recording();
      ch.failures.add(new Channel.ChannelException("meta answered 503", true));
      ch.failures.add(new Channel.ChannelException("meta answered 429", true));
      List<Duration> slept = new ArrayList<>();
      Run ok = syncs(s, ch, slept).sync(meta("m"), false);
      assertEquals(Run.Status.OK, ok.status());
      assertEquals(3, ok.attempts());
      assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), slept);
      s.consent().recordConsent("p10", List.of(new ConsentRecord(Purpose.ADVERTISING, false, T, "banner")));
      ch.failures.add(new Channel.ChannelException("meta refused the token (401)", false));
      Run failed = syncs(s, ch, slept).sync(meta("m"), false);
      assertEquals(Run.Status.FAILED, failed.status());
      assertEquals("meta refused the token (401)", failed.reason());
      assertEquals(2, s.syncState().fingerprints("m").length, "a failed run changes no state");
      List<Run> history = s.destinationRuns().runs("m", 10);
      assertEquals(2, history.size());
      assertTrue(history.stream().anyMatch(r -> r.status() == Run.Status.FAILED && r.reason().contains("401")));
      // The next run sends the removal again.
      assertEquals(1, syncs(s, ch, slept).sync(meta("m"), false).removed());
    }
  }

  @Test
  void dryRun_reportsCountsAndExamples_changesNothing() {
    try (Store s = open()) {
      people(s, 7, Purpose.ADVERTISING);
      Recording ch = new Recording();
      Run dry = syncs(s, ch, new ArrayList<>()).sync(meta("m"), true);
      assertEquals(Run.Status.DRY_RUN, dry.status());
      assertEquals(7, dry.added());
      assertEquals(5, dry.addExamples().size());
      assertTrue(ch.sent.isEmpty());
      assertEquals(0, s.syncState().fingerprints("m").length);
    }
  }

  @Test
  void definitions_destinationKeptAsJson_exclusionFirstClass() {
    try (Store s = open()) {
      s.destinationDefinitions().save(meta("trap_exclusion"));
      Destination back = s.destinationDefinitions().find("trap_exclusion").orElseThrow();
      assertEquals(meta("trap_exclusion"), back);
      assertTrue(back.exclusion());
      assertEquals(Purpose.ADVERTISING, back.purpose());
    }
  }
}
