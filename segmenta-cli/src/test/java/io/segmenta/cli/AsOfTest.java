package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instant a result is computed at, on real stores: one whose data ended in 2011 (an imported file) and one
 * with an event from yesterday (a live shop). Each result names its instant; windows that can hold nothing say so.
 */
class AsOfTest {
  @TempDir
  static Path dir;
  static Path old;
  static Path live;

  static final String LAST = "2011-12-09T12:50:00Z";
  static final String RECENT = "count(order in last 90 days) >= 1";

  record Result(int code, String out, String err) {}

  static Result run(Path data, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", data.toString(), "--threads", "2", "--memory-limit", "512MB"));
    int code = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  static String order(String id, String profile, String ts) {
    return "{\"event_id\": \"" + id + "\", \"profile_id\": \"" + profile + "\", \"type\": \"order\", \"timestamp\": \"" + ts + "\","
        + " \"properties\": {\"order_id\": \"" + id + "\", \"revenue\": 20.0, \"currency\": \"GBP\"},"
        + " \"lines\": [{\"product_id\": \"p1\", \"category\": \"home\", \"quantity\": 1, \"unit_price\": 20.0, \"discount\": 0}]}\n";
  }

  static Path store(String name, String lines) throws Exception {
    Path f = dir.resolve(name + ".jsonl");
    Files.writeString(f, lines, StandardCharsets.UTF_8);
    Path data = dir.resolve(name);
    Result r = run(data, "import", f.toString());
    assertEquals(0, r.code(), r.err());
    return data;
  }

  @BeforeAll
  static void stores() throws Exception {
    String profiles = "{\"profile_id\": \"c1\", \"traits\": {\"country\": \"DK\"}}\n{\"profile_id\": \"c2\", \"traits\": {\"country\": \"SE\"}}\n";
    old = store("old", profiles + order("o1", "c1", "2010-12-01T08:26:00Z") + order("o2", "c1", "2011-11-20T10:00:00Z")
        + order("o3", "c2", LAST));
    live = store("live", profiles + order("o1", "c1", Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  @Test
  void count_staleStoreWithoutAsOf_readsItsNewestEvent() {
    Result r = run(old, "segment", "count", RECENT);
    assertEquals(0, r.code(), r.err());
    assertEquals("2 of 2 profiles (100.0%) as of " + LAST + " (latest event; the data ends over 30 days ago, --as-of now reads it today)",
        r.out().strip());
    assertFalse(r.err().contains("note:"), r.err());
  }

  @Test
  void count_liveStoreWithoutAsOf_readsNow() {
    Instant before = Instant.now();
    Result r = run(live, "segment", "count", RECENT);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("1 of 2 profiles \\(50\\.0%\\) as of \\S+ \\(now\\)\\s*"), r.out());
    Instant at = Instant.parse(r.out().split(" as of ")[1].split(" ")[0]);
    assertFalse(at.isBefore(before), at + " is now");
  }

  @Test
  void count_nowOnStaleStore_namesTheNewestEventAndTheFix() {
    Result r = run(old, "segment", "count", RECENT, "--as-of", "now");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("0 of 2 profiles (0.0%) as of "), r.out());
    assertTrue(r.out().contains("(now; the newest event is " + LAST + ": --as-of latest reads the data where it ends)"), r.out());
    assertTrue(r.err().matches("(?s)note: the newest event is " + LAST + "; at \\S+ the rule's window holds nothing: add --as-of latest.*"), r.err());
  }

  @Test
  void notes_someWindowsAfterNewestEvent_countThem() {
    Result r = run(old, "segment", "count", "count(order in last 30 days) >= 1 or count(order in last 2 years) >= 1", "--as-of", "2012-02-01");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("as of 2012-02-01T23:59:59.999999Z (the end of 2012-02-01, UTC)"), r.out());
    assertTrue(r.err().contains("1 of the rule's 2 windows holds nothing: add --as-of latest"), r.err());
  }

  @Test
  void notes_windowsBeforeOldestEvent_sayChooseALaterInstant() {
    Result r = run(old, "segment", "count", RECENT, "--as-of", "2005-01-01");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("note: the oldest event is 2010-12-01T08:26:00Z; at 2005-01-01T23:59:59.999999Z the rule's window holds nothing"), r.err());
  }

  @Test
  void notes_traitRuleOrWindowWithEvents_sayNothing() {
    Result traits = run(old, "segment", "count", "country = \"DK\"", "--as-of", "now");
    assertEquals(0, traits.code(), traits.err());
    assertFalse(traits.err().contains("note:"), traits.err());
    Result latest = run(old, "segment", "count", RECENT, "--as-of", "latest");
    assertTrue(latest.out().contains("as of " + LAST + " (latest event)"), latest.out());
    assertFalse(latest.err().contains("note:"), latest.err());
  }

  @Test
  void list_namesItsInstant() {
    assertEquals(0, run(old, "segment", "save", "recent", RECENT).code());
    Result r = run(old, "segment", "list");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("saved segments as of " + LAST + " (latest event;"), r.out());
    assertTrue(r.out().matches("(?s).*recent\\s+2\\s+count.*"), r.out());
  }

  @Test
  void members_namesItsInstantBesideTheIds() {
    Result r = run(old, "segment", "members", RECENT);
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("c1", "c2"), r.out().strip().lines().sorted().toList());
    assertTrue(r.err().startsWith("members as of " + LAST + " (latest event;"), r.err());
  }

  @Test
  void explainAndCohorts_nameTheirInstant() {
    Result e = run(old, "segment", "explain", RECENT, "--as-of", "latest");
    assertTrue(e.out().contains("\nas of " + LAST + " (latest event)\n"), e.out());
    Result c = run(old, "cohorts");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().startsWith("Retention by first-order month as of " + LAST + " (latest event;"), c.out());
  }
}
