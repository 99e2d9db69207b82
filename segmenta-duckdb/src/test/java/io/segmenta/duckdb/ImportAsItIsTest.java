package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.UserException;
import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportException;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.ingest.Progress;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files imported as they are: constants for missing columns, ids from rows, dates in their own format, rejects. */
class ImportAsItIsTest {
  @TempDir
  Path dir;
  Store store;

  @BeforeEach
  void open() {
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
  }

  @AfterEach
  void close() {
    store.close();
  }

  Path write(String name, String... lines) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  ImportReport run(Path file, char separator, Mapping m, Importer.Options o) {
    try (CsvSource src = new CsvSource(file, separator, '"', StandardCharsets.UTF_8, true)) {
      return Importer.run(src, m, store.catalog(), store.profiles(), o);
    }
  }

  ImportReport run(Path file, String mapping) {
    return run(file, ',', Mapping.parse("m.map", mapping), Importer.Options.strict());
  }

  @Test
  void run_constTimestampAndTypeForAFileWithoutThem() throws Exception {
    Path f = write("visits.csv", "customer,url", "c1,https://shop/a", "c2,https://shop/b", "c1,https://shop/a");
    ImportReport r = run(f, String.join("\n", "target = events", "profile = customer", "const.type = page_view",
        "const.timestamp = 2024-03-01 12:00", "timestamp.format = yyyy-MM-dd HH:mm", "property.url = url"));
    assertEquals(3, r.accepted());
    assertEquals(3, r.written().eventsWritten(), "two rows with the same cells on different lines are two events");
    List<Event> c1 = store.profiles().history("c1").orElseThrow().events();
    assertEquals(2, c1.size());
    assertEquals(Instant.parse("2024-03-01T12:00:00Z"), c1.get(0).timestamp());
    assertEquals("page_view", c1.get(0).type());
    assertEquals(Value.of("https://shop/a"), c1.get(0).property("url"));
  }

  @Test
  void run_constTraitAndIdentifierOnProfilesWithLineIds() throws Exception {
    Path f = write("people.csv", "Age,Mail", "34,Anna@Example.com", "51,");
    ImportReport r = run(f, String.join("\n", "target = profiles", "id = @line", "trait.age = Age", "identifier.email = Mail",
        "const.trait.country = DK", "const.identifier.crm = import-7"));
    assertEquals(2, r.written().profilesCreated());
    ProfileHistory first = store.profiles().history("people.csv:2").orElseThrow();
    assertEquals(Value.of(34), first.profile().trait("age"));
    assertEquals(Value.of("DK"), first.profile().trait("country"));
    assertTrue(first.profile().identifiers().stream().anyMatch(i -> i.kind().equals("email") && i.value().equals("anna@example.com")));
    assertEquals(Value.of("DK"), store.profiles().history("people.csv:3").orElseThrow().profile().trait("country"));
    ImportReport again = run(f, String.join("\n", "target = profiles", "id = @line", "trait.age = Age", "const.trait.country = DK"));
    assertEquals(0, again.written().profilesCreated(), "line ids are stable: the same file updates the same profiles");
  }

  @Test
  void run_profileAtLineLinksEventsToTheRowsProfiles() throws Exception {
    Path f = write("bank.csv", "age;y", "30;yes", "40;no");
    run(f, ';', Mapping.parse("p.map", "target = profiles\nid = @line\ntrait.age = age"), Importer.Options.strict());
    run(f, ';', Mapping.parse("e.map", String.join("\n", "target = events", "profile = @line", "const.type = campaign_contact",
        "const.timestamp = 2024-01-01", "declare.property.subscribed = string", "property.subscribed = y")), Importer.Options.strict());
    Instant at = Instant.parse("2024-02-01T00:00:00Z");
    assertEquals(List.of("bank.csv:2"), store.audiences().run(new AudienceQuery.Page(RuleText.parseRule("count(campaign_contact where subscribed = \"yes\") >= 1 and age < 35"), at, 0, 10)));
  }

  @Test
  void run_dateTraitInDateFormat() throws Exception {
    Path f = write("born.csv", "id,born", "a,31/01/1990", "b,01/12/2001");
    run(f, "target = profiles\nid = id\ntrait.birth_date = born\ndate.format = dd/MM/yyyy");
    assertEquals(Value.of(LocalDate.of(1990, 1, 31)), store.profiles().history("a").orElseThrow().profile().trait("birth_date"));
    assertEquals(Value.of(LocalDate.of(2001, 12, 1)), store.profiles().history("b").orElseThrow().profile().trait("birth_date"));
  }

  @Test
  void run_dateTraitWithoutDateFormatTakesTheDateOfTimestampFormat() throws Exception {
    Path f = write("born.csv", "id,born", "a,31/01/1990 00:00", "b,1990-02-03");
    run(f, "target = profiles\nid = id\ntrait.birth_date = born\ntimestamp.format = dd/MM/yyyy HH:mm");
    assertEquals(Value.of(LocalDate.of(1990, 1, 31)), store.profiles().history("a").orElseThrow().profile().trait("birth_date"));
    assertEquals(Value.of(LocalDate.of(1990, 2, 3)), store.profiles().history("b").orElseThrow().profile().trait("birth_date"), "ISO dates still read");
  }

  @Test
  void run_dateNotInDateFormatNamesLineAndKey() throws Exception {
    Path f = write("born.csv", "id,born", "a,1990-01-31");
    ImportException e = assertThrows(ImportException.class, () -> run(f, "target = profiles\nid = id\ntrait.birth_date = born\ndate.format = dd/MM/yyyy"));
    assertTrue(e.getMessage().contains("born.csv:2, column born: expected a date in the pattern of date.format, got '1990-01-31'"), e.getMessage());
  }

  @Test
  void run_eventsWithoutIdColumnKeepEveryRowAndReimportStoresNothingTwice() throws Exception {
    // The mapped fields (customer, time) are equal on every row; only an unmapped column tells them apart, and the
    // last two rows are equal in every cell. All four are events: a row is its file, its line and all its cells.
    Path f = write("sessions.csv", "customer,day,pages,bought", "c1,2024-01-01,3,0", "c1,2024-01-01,5,1", "c1,2024-01-01,5,1",
        "c1,2024-01-01,5,1");
    String m = "target = events\nprofile = customer\ntimestamp = day\ntype = session";
    ImportReport first = run(f, m);
    assertEquals(4, first.written().eventsWritten());
    assertEquals(0, first.duplicateRows());
    ImportReport again = run(f, m);
    assertEquals(0, again.written().eventsWritten());
    assertEquals(4, again.written().eventsDuplicate(), "the same file again changes nothing");
    assertEquals(4, store.profiles().stats().events());
    Path appended = write("sessions.csv", "customer,day,pages,bought", "c1,2024-01-01,3,0", "c1,2024-01-01,5,1", "c1,2024-01-01,5,1",
        "c1,2024-01-01,5,1", "c1,2024-01-02,1,0");
    ImportReport grown = run(appended, m);
    assertEquals(1, grown.written().eventsWritten(), "a file that grew at its end adds only its new rows");
    Path other = write("sessions-2.csv", "customer,day,pages,bought", "c1,2024-01-01,3,0");
    assertEquals(1, run(other, m).written().eventsWritten(), "another file's row is another event");
  }

  @Test
  void run_repeatedIdInTheFileIsReportedWithLines() throws Exception {
    Path f = write("orders.csv", "id,customer,at", "o1,c1,2024-01-01", "o2,c1,2024-01-02", "o1,c1,2024-01-03", "o1,c2,2024-01-04");
    ImportReport r = run(f, "target = events\nid = id\nprofile = customer\ntimestamp = at\ntype = order");
    assertEquals(2, r.written().eventsWritten());
    assertEquals(2, r.duplicateRows());
    assertEquals(List.of("line 4 has the id of line 2 (o1)", "line 5 has the id of line 2 (o1)"), r.duplicateExamples());
  }

  @Test
  void runJsonLines_repeatedEventIdIsReportedWithLines() throws Exception {
    Path f = write("events.jsonl", "{\"event_id\": \"e1\", \"profile_id\": \"c1\", \"type\": \"order\", \"timestamp\": \"2024-01-01T00:00:00Z\"}",
        "{\"event_id\": \"e1\", \"profile_id\": \"c1\", \"type\": \"order\", \"timestamp\": \"2024-01-02T00:00:00Z\"}");
    ImportReport r = Importer.runJsonLines(f, store.catalog(), store.profiles(), Importer.Options.strict());
    assertEquals(1, r.written().eventsWritten());
    assertEquals(1, r.duplicateRows());
    assertEquals(List.of("line 2 has the id of line 1 (e1)"), r.duplicateExamples());
  }

  @Test
  void run_lineIdsOfTwoFilesDoNotCollide() throws Exception {
    String m = "target = events\nid = @line\nprofile = customer\ntimestamp = at\ntype = order";
    run(write("a.csv", "customer,at", "c1,2024-01-01"), m);
    ImportReport b = run(write("b.csv", "customer,at", "c1,2024-01-01"), m);
    assertEquals(1, b.written().eventsWritten());
    assertEquals(List.of("a.csv:2", "b.csv:2"), store.profiles().history("c1").orElseThrow().events().stream().map(Event::id).sorted().toList());
  }

  @Test
  void mapping_constErrorsNameTheLine() {
    var unknown = assertThrows(UserException.class, () -> Mapping.parse("m.map", "target = events\nconst.colour = red"));
    assertTrue(unknown.getMessage().startsWith("m.map:2: 'const.colour' gives no field a constant"), unknown.getMessage());
    var both = assertThrows(UserException.class, () -> Mapping.parse("m.map", "target = events\ntimestamp = at\nconst.timestamp = 2024-01-01"));
    assertTrue(both.getMessage().startsWith("m.map:3: both 'timestamp' (a column) and 'const.timestamp' (a constant) are given"), both.getMessage());
  }

  @Test
  void run_badConstantNamesItsMappingLine() throws Exception {
    Path f = write("v.csv", "customer", "c1");
    var e = assertThrows(UserException.class, () -> run(f, "target = events\nprofile = customer\ntype = page_view\nconst.timestamp = yesterday"));
    assertTrue(e.getMessage().startsWith("m.map:4: const.timestamp: expected a timestamp"), e.getMessage());
    assertEquals(0, store.profiles().stats().events());
  }

  @Test
  void rejectFile_besideTheInputByDefault() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("in"));
    Path f = sub.resolve("e.csv");
    Files.writeString(f, "customer,at\nc1,2024-01-01\nc2,never\n");
    ImportReport r = run(f, ',', Mapping.parse("m.map", "target = events\nprofile = customer\ntimestamp = at\ntype = order"),
        new Importer.Options(true, null, Progress.NONE));
    assertEquals(sub.resolve("e.csv.rejects.csv"), r.rejectFile());
    assertTrue(Files.readString(r.rejectFile()).contains("c2,never"));
    assertEquals("customer,at\nc1,2024-01-01\nc2,never\n", Files.readString(f), "the input is untouched");
  }

  @Test
  void rejectFile_namingTheInputIsRefusedBeforeAnythingIsRead() throws Exception {
    Path f = write("e.csv", "customer,at", "c1,2024-01-01", "c2,never");
    Mapping m = Mapping.parse("m.map", "target = events\nprofile = customer\ntimestamp = at\ntype = order");
    var same = assertThrows(UserException.class, () -> run(f, ',', m, new Importer.Options(true, dir.resolve("./sub/../e.csv"), Progress.NONE)));
    assertTrue(same.getMessage().contains("is the file being imported"), same.getMessage());
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), f);
    var viaLink = assertThrows(UserException.class, () -> run(f, ',', m, new Importer.Options(true, link, Progress.NONE)));
    assertTrue(viaLink.getMessage().contains("is the file being imported"), viaLink.getMessage());
    assertEquals("customer,at\nc1,2024-01-01\nc2,never\n", Files.readString(f));
    assertEquals(0, store.profiles().stats().events());
  }

  @Test
  void run_bankMarketingWithoutIdOrTimestamp() {
    var bank = SharedData.find("data/bank-marketing/bank-additional-full.csv");
    assumeTrue(bank.isPresent(), SharedData.missing("data/bank-marketing/bank-additional-full.csv"));
    // One row per contacted customer, no id and no time: profiles by line, and a contact event per row with a
    // constant time, linked to the profile of its own line.
    ImportReport p = run(bank.get(), ';', Mapping.parse("bank-profiles.map", String.join("\n", "target = profiles", "id = @line",
        "trait.age = age", "declare.trait.job = string", "trait.job = job")), Importer.Options.strict());
    assertEquals(41_188, p.written().profilesCreated());
    ImportReport e = run(bank.get(), ';', Mapping.parse("bank-events.map", String.join("\n", "target = events", "profile = @line",
        "const.type = campaign_contact", "const.timestamp = 2010-11-30", "declare.property.subscribed = string",
        "property.subscribed = y")), Importer.Options.strict());
    assertEquals(41_188, e.written().eventsWritten(), "every row is an event: none is taken for another");
    Instant at = Instant.parse("2011-01-01T00:00:00Z");
    assertEquals(4_640, store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("count(campaign_contact where subscribed = \"yes\") >= 1"), at)), "4,640 yes (REFERENCE_RESULTS 6)");
    long students = store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("job = \"student\""), at));
    long studentYes = store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("job = \"student\" and count(campaign_contact where subscribed = \"yes\") >= 1"), at));
    assertEquals(0.3143, (double) studentYes / students, 5e-5, "students' yes-rate (REFERENCE_RESULTS 6)");
  }

  @Test
  void run_abDataWithoutIdColumnKeepsEveryRow() {
    var ab = SharedData.find("data/ab-test-landing-page/ab_data.csv");
    assumeTrue(ab.isPresent(), SharedData.missing("data/ab-test-landing-page/ab_data.csv"));
    Mapping m = Mapping.parse("ab.map", String.join("\n", "target = events", "type = experiment_viewed", "profile = user_id",
        "timestamp = timestamp", "timestamp.format = yyyy-MM-dd HH:mm:ss.SSSSSS", "const.property.experiment_id = landing-page",
        "property.variation_id = group"));
    ImportReport r = run(ab.get(), ',', m, Importer.Options.strict());
    assertEquals(294_478, r.written().eventsWritten(), "no id column, yet no row is lost");
    assertEquals(0, r.duplicateRows());
    ImportReport again = run(ab.get(), ',', m, Importer.Options.strict());
    assertEquals(0, again.written().eventsWritten());
    assertEquals(294_478, again.written().eventsDuplicate());
    assertFalse(again.written().eventsDuplicate() > store.profiles().stats().events());
  }
}
