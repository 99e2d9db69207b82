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
import java.time.LocalDate;
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
          new Profile("a", List.of(Identifier.email("Ann.Lee+news@GMAIL.com"), Identifier.phone("+45 12 34 56 78")), Map.of("country", Value.of("DK"),
              "first_name", Value.of("Ann"), "last_name", Value.of("Lee-Smith"), "city", Value.of("Aarhus C"), "postal_code", Value.of("8000"),
              "birth_date", Value.of(LocalDate.of(1990, 2, 3)), "gender", Value.of("Female"), "age", Value.of(35))),
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

  // Meta's customer-list guide: the column names; each value normalised by Meta's rules and hashed.
  @Test
  void audienceExport_meta_fullCustomerListColumns() throws Exception {
    shop();
    Path f = dir.resolve("meta.csv");
    CliTest.Result r = run("audience", "export", "danes", "--format", "meta", "-o", f.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(f);
    assertEquals("email,email,email,phone,phone,phone,fn,ln,ct,st,zip,country,dob,doby,gen,age", lines.get(0));
    // Only "a" consented to advertising.
    assertEquals(2, lines.size(), lines.toString());
    String[] row = lines.get(1).split(",", -1);
    assertEquals(16, row.length);
    assertEquals(Digests.sha256Hex("ann.lee+news@gmail.com"), row[0]); // Meta keeps dots and +tags, unlike Google
    assertEquals("", row[1]);
    assertEquals(Digests.sha256Hex("4512345678"), row[3]);
    assertEquals(Digests.sha256Hex("ann"), row[6]);
    assertEquals(Digests.sha256Hex("leesmith"), row[7]);
    assertEquals(Digests.sha256Hex("aarhusc"), row[8]);
    assertEquals("", row[9]);
    assertEquals(Digests.sha256Hex("8000"), row[10]);
    assertEquals(Digests.sha256Hex("dk"), row[11]);
    assertEquals(Digests.sha256Hex("19900203"), row[12]);
    assertEquals(Digests.sha256Hex("1990"), row[13]);
    assertEquals(Digests.sha256Hex("f"), row[14]);
    assertEquals(Digests.sha256Hex("35"), row[15]);
  }

  @Test
  void campaign_addListShowRemove_checksWhatItNames() throws Exception {
    shop();
    Path def = dir.resolve("c.json");
    Files.writeString(def, "{\"key\": \"winter\", \"segment\": \"danes\", \"priority\": 10, \"email_template\": \"winter_mail\"}");
    CliTest.Result add = run("campaign", "add", def.toString());
    assertEquals(0, add.code(), add.err());
    assertTrue(add.out().contains("saved campaign winter: segment danes, priority 10, channels email"), add.out());
    Path low = dir.resolve("low.json");
    Files.writeString(low, "{\"key\": \"all_year\", \"segment\": \"danes\", \"priority\": 1, \"email_template\": \"basic\"}");
    assertEquals(0, run("campaign", "add", low.toString()).code());
    String list = run("campaign", "list").out();
    assertTrue(list.indexOf("winter") >= 0 && list.indexOf("winter") < list.indexOf("all_year"), list);
    CliTest.Result show = run("campaign", "show", "winter");
    assertTrue(show.out().contains("\"email_template\" : \"winter_mail\""), show.out());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"key\": \"x\", \"segment\": \"swedes\", \"email_template\": \"t\"}");
    CliTest.Result refused = run("campaign", "add", bad.toString());
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("there is no saved segment 'swedes'"), refused.err());
    Files.writeString(bad, "{\"key\": \"x\", \"segment\": \"danes\", \"ad_destination\": \"nope\"}");
    assertTrue(run("campaign", "add", bad.toString()).err().contains("ad_destination: there is no destination 'nope'"));
    assertEquals(0, run("campaign", "remove", "winter").code());
    assertTrue(run("campaign", "remove", "winter").err().contains("there is no campaign 'winter'"));
    assertTrue(run("campaign", "list").out().contains("all_year"));
  }
}
