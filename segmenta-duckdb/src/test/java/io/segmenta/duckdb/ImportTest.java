package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportException;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.ingest.Progress;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.ShopGenerator;
import java.io.BufferedWriter;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportTest {
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

  static Path resource(String name) {
    try {
      return Path.of(ImportTest.class.getResource("/import/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  ImportReport csv(String file, Charset cs, Mapping m, Importer.Options o) {
    char sep = m.get("csv.separator", ",").charAt(0);
    try (CsvSource src = new CsvSource(resource(file), sep, '"', cs, true)) {
      return Importer.run(src, m, store.catalog(), store.profiles(), o);
    }
  }

  @Nested
  class Csv {
    @Test
    void run_semicolonsQuotesAndMappingFile() {
      ImportReport r = csv("customers-semicolon.csv", StandardCharsets.UTF_8, Mapping.read(resource("customers.map")), Importer.Options.strict());
      assertEquals(2, r.accepted());
      ProfileHistory k1 = store.profiles().history("k1").orElseThrow();
      assertEquals(Value.of("Aarhus; C"), k1.profile().trait("city"), "a separator inside quotes stays in the cell");
      assertEquals(Value.of(34), k1.profile().trait("age"));
      assertEquals(Value.ofStrings(List.of("travel", "fitness")), k1.profile().trait("interests"));
      assertEquals("anna@example.com", k1.profile().identifiers().get(0).value(), "e-mails are normalised");
      assertEquals(Value.of("Køge"), store.profiles().history("k2").orElseThrow().profile().trait("city"));
      assertTrue(store.profiles().history("k2").orElseThrow().profile().trait("age").isNull(), "an empty cell is a missing trait");
    }

    @Test
    void run_latin1WithEncodingAndUtf8RefusesIt() {
      Mapping m = Mapping.read(resource("customers.map"));
      ImportException e = assertThrows(ImportException.class, () -> csv("customers-latin1.csv", StandardCharsets.UTF_8, m, Importer.Options.strict()));
      assertTrue(e.getMessage().contains("customers-latin1.csv:2") && e.getMessage().contains("--encoding latin-1"), e.getMessage());
      assertEquals(0, store.profiles().stats().profiles());
      csv("customers-latin1.csv", StandardCharsets.ISO_8859_1, m, Importer.Options.strict());
      assertEquals(Value.of("København"), store.profiles().history("k3").orElseThrow().profile().trait("city"));
    }

    @Test
    void run_flagsOverrideTheMappingFile() {
      Mapping m = Mapping.withPairs(Mapping.read(resource("customers.map")), List.of("trait.region=By"));
      csv("customers-semicolon.csv", StandardCharsets.UTF_8, m, Importer.Options.strict());
      assertEquals(Value.of("Aarhus; C"), store.profiles().history("k1").orElseThrow().profile().trait("region"));
    }

    @Test
    void run_badRowsRefuseTheFileAndNameLineAndColumn() {
      ImportException e = assertThrows(ImportException.class, () -> csv("events-bad.csv", StandardCharsets.UTF_8, Mapping.read(resource("events.map")), Importer.Options.strict()));
      assertEquals(2, e.total());
      assertTrue(e.getMessage().contains("events-bad.csv:3, column total: expected a number such as 12.5, got 'abc'"), e.getMessage());
      assertTrue(e.getMessage().contains("events-bad.csv:4, column at: expected a timestamp"), e.getMessage());
      assertEquals(0, store.profiles().stats().events(), "nothing is written when a file is refused");
      assertEquals(0, store.profiles().stats().profiles());
    }

    @Test
    void run_skipBadRowsWritesGoodRowsAndARejectFile() throws Exception {
      Path rejects = dir.resolve("rejects.csv");
      ImportReport r = csv("events-bad.csv", StandardCharsets.UTF_8, Mapping.read(resource("events.map")), new Importer.Options(true, rejects, Progress.NONE));
      assertEquals(2, r.accepted());
      assertEquals(2, r.rejected());
      assertEquals(2, store.profiles().stats().events());
      List<String> lines = Files.readAllLines(rejects);
      assertEquals(3, lines.size(), String.join("\n", lines));
      assertTrue(lines.get(1).startsWith("3,\"total\",\"expected a number"), lines.get(1));
      assertTrue(lines.get(1).endsWith("\"e2,k1,order,2024-05-02 10:00:00,abc\""), lines.get(1));
    }

    @Test
    void run_twiceStoresNothingTwice() {
      Mapping m = Mapping.read(resource("events.map"));
      csv("events-good.csv", StandardCharsets.UTF_8, m, Importer.Options.strict());
      ImportReport again = csv("events-good.csv", StandardCharsets.UTF_8, m, Importer.Options.strict());
      assertEquals(0, again.written().eventsWritten());
      assertEquals(2, again.written().eventsDuplicate());
      assertEquals(2, store.profiles().stats().events());
    }

    @Test
    void mapping_unknownColumnAndKeyNameTheLine() {
      var e = assertThrows(UserException.class, () -> csv("events-good.csv", StandardCharsets.UTF_8,
          Mapping.parse("m.map", "target = events\nprofile = customer\ntype = order\ntimestamp = when\n"), Importer.Options.strict()));
      assertTrue(e.getMessage().startsWith("m.map:4: column 'when' is not in the file; its columns are id, customer, kind, at, total"), e.getMessage());
      var k = assertThrows(UserException.class, () -> Mapping.parse("m.map", "target = events\ntrait.age = A\nproprety.x = y"));
      assertTrue(k.getMessage().startsWith("m.map:3: unknown mapping key 'proprety.x'"), k.getMessage());
      // Other tools' words for the CSV dialect, and misspellings of a fixed key, point at ours.
      var d = assertThrows(UserException.class, () -> Mapping.parse("m.map", "target = profiles\ndelimiter = ;"));
      assertTrue(d.getMessage().startsWith("m.map:2: unknown mapping key 'delimiter' (did you mean 'csv.separator'?)"), d.getMessage());
      var t = assertThrows(UserException.class, () -> Mapping.parse("m.map", "target = profiles\ntimestamp.fromat = dd/MM/yyyy"));
      assertTrue(t.getMessage().contains("(did you mean 'timestamp.format'?)"), t.getMessage());
    }
  }

  @Nested
  class JsonLines {
    @Test
    void runJsonLines_roundTripsTheSyntheticShop() throws Exception {
      List<Profile> profiles = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      ShopGenerator.standard().generate(0, 30, 100, b -> {
        profiles.addAll(b.profiles());
        events.addAll(b.events());
      });
      Path file = dir.resolve("shop.jsonl");
      try (BufferedWriter w = Files.newBufferedWriter(file)) {
        for (Profile p : profiles) {
          w.write(Importer.toJsonLine(p) + "\n");
        }
        for (Event e : events) {
          w.write(Importer.toJsonLine(e) + "\n");
        }
      }
      Importer.runJsonLines(file, store.catalog(), store.profiles(), Importer.Options.strict());
      try (Store direct = DuckDb.open(StoreConfig.resolve(dir.resolve("direct"), "1GB", 2, Map.of()))) {
        direct.profiles().write(new Batch(profiles, events));
        for (Profile p : profiles) {
          assertEquals(direct.profiles().history(p.id()).orElseThrow(), store.profiles().history(p.id()).orElseThrow(), p.id());
        }
      }
    }

    @Test
    void runJsonLines_badFieldNamesLineAndField() throws Exception {
      Path file = dir.resolve("bad.jsonl");
      Files.writeString(file, "{\"profile_id\": \"a\", \"traits\": {\"age\": 3}}\n{\"profile_id\": \"b\", \"traits\": {\"age\": \"old\"}}\n{broken\n");
      ImportException e = assertThrows(ImportException.class, () -> Importer.runJsonLines(file, store.catalog(), store.profiles(), Importer.Options.strict()));
      assertTrue(e.getMessage().contains("bad.jsonl:2, column traits.age: expected a number"), e.getMessage());
      assertTrue(e.getMessage().contains("bad.jsonl:3: not valid JSON"), e.getMessage());
      assertEquals(0, store.profiles().stats().profiles());
    }
  }

  @Nested
  class Parquet {
    @Test
    void run_parquetThroughTheSameMapping() throws Exception {
      Path file = dir.resolve("events.parquet");
      try (var c = DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement()) {
        s.execute("COPY (SELECT 'p' || i AS id, 'k' || (i % 3) AS customer, 'order' AS kind, TIMESTAMP '2024-05-01 10:00:00' + INTERVAL (i) HOUR AS at, "
            + "i * 2.5 AS total FROM range(10) t(i)) TO '" + file + "' (FORMAT parquet)");
      }
      ImportReport r;
      try (ParquetSource src = new ParquetSource(file)) {
        r = Importer.run(src, Mapping.read(resource("events.map")), store.catalog(), store.profiles(), Importer.Options.strict());
      }
      assertEquals(10, r.accepted());
      assertEquals(10, store.profiles().stats().events());
      assertEquals(3, store.profiles().stats().profiles());
      Event e = store.profiles().history("k1").orElseThrow().events().get(0);
      assertEquals(Value.of(2.5), e.property("revenue"));
    }

    @Test
    void parquetSource_notParquetIsAClearError() throws Exception {
      Path file = dir.resolve("nope.parquet");
      Files.writeString(file, "hello");
      ImportException e = assertThrows(ImportException.class, () -> new ParquetSource(file));
      assertTrue(e.getMessage().startsWith("nope.parquet:0: cannot read it as Parquet"), e.getMessage());
    }
  }
}
