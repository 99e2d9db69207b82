package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.audience.Digests;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segmenta audience export and segmenta destination add|list|sync|history on a real data directory. */
class DestinationCliTest {
  @TempDir
  Path dir;

  CliTest.Result run(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data-dir";
    all[args.length + 1] = dir.resolve("data").toString();
    return CliTest.run(all);
  }

  private void shop() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "500MB", 2, Map.of()))) {
      s.profiles().write(new Batch(List.of(
          new Profile("a", List.of(Identifier.email("Ann.Lee+news@GMAIL.com"), Identifier.phone("+45 12 34 56 78")), Map.of("country", Value.of("DK"))),
          new Profile("b", List.of(Identifier.email("bo@example.com")), Map.of("country", Value.of("DK"))),
          new Profile("c", List.of(Identifier.email("cy@example.com")), Map.of("country", Value.of("SE")))), List.of()));
      Instant t = Instant.parse("2025-01-01T00:00:00Z");
      s.consent().recordConsent("a", List.of(new ConsentRecord(Purpose.ADVERTISING, true, t, "test"), new ConsentRecord(Purpose.EMAIL_MARKETING, true, t, "test")));
      s.consent().recordConsent("b", List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, t, "test")));
      new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).save("danes", "country = \"DK\"", "");
    }
  }

  @Test
  void audienceExport_googleAndMailchimp_consentAndNormalisation() throws Exception {
    shop();
    Path g = dir.resolve("google.csv");
    CliTest.Result r = run("audience", "export", "danes", "--format", "google", "-o", g.toString());
    assertEquals(0, r.code(), r.err());
    // Only "a" consented to advertising; Google's gmail rule drops the dot and the +tag, the phone keeps its "+".
    assertEquals(List.of("Email,Phone", Digests.sha256Hex("annlee@gmail.com") + "," + Digests.sha256Hex("+4512345678")), Files.readAllLines(g));
    Path m = dir.resolve("mc.csv");
    assertEquals(0, run("audience", "export", "danes", "--format", "mailchimp", "-o", m.toString()).code());
    assertEquals(List.of("Email Address,Tags", "ann.lee+news@gmail.com,danes", "bo@example.com,danes"), Files.readAllLines(m));
    CliTest.Result bad = run("audience", "export", "danes", "--format", "tiktok", "-o", m.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--format") && bad.err().contains("tiktok"), bad.err());
  }

  @Test
  void destination_addSyncHistory_fileOfConsentingMembers() throws Exception {
    shop();
    Path def = dir.resolve("d.json");
    Files.writeString(def, "{\"key\": \"danes_mail\", \"segment\": \"danes\", \"kind\": \"csv\", \"settings\": {\"folder\": \""
        + dir.resolve("out").toString().replace("\\", "/") + "\"}}");
    assertEquals(0, run("destination", "add", def.toString()).code());
    CliTest.Result dry = run("destination", "sync", "danes_mail", "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("dry run, 2 members, 2 added"), dry.out());
    CliTest.Result sync = run("destination", "sync", "danes_mail");
    assertEquals(0, sync.code(), sync.err());
    assertEquals(List.of("email", "ann.lee+news@gmail.com", "bo@example.com"), Files.readAllLines(dir.resolve("out/danes_mail.csv")));
    assertTrue(run("destination", "sync", "danes_mail").out().contains("ok, 2 members, 0 added, 0 removed"));
    CliTest.Result history = run("destination", "history", "danes_mail");
    assertEquals(3, history.out().strip().split("\n").length, history.out());
    assertTrue(run("destination", "list").out().contains("danes_mail"));
  }
}
