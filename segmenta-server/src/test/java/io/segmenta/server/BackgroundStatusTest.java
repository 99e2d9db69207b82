package io.segmenta.server;

import io.segmenta.server.Loopback.Answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.model.Event;
import io.segmenta.core.store.Store;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background work fails for real and says so: a DuckDB store closed under a running server makes the journal's
 * applier, the real-time feed, the membership history writer and the decision reloads fail; each retries, parks what
 * it could not do with its cause, and {@code GET /admin/status} shows counters, the last error with its cause chain,
 * stamped by the server's fixed clock, and the parked files. Nothing acknowledged is lost: every event is in the
 * database or in {@code journal.parked}, which an erasure prunes and a requeue brings back for the next start. The
 * exposure writer parks event lines {@code segmenta import} replays. A webhook receiver on loopback answering 500
 * gets its batch retried, then parked with the body to replay. A lifecycle subscriber that fails neither stops the
 * others nor goes unheard, and merges and consent are stamped by the injected clock.
 */
class BackgroundStatusTest {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String ADMIN = "admin-key-status";

  @TempDir
  Path dir;

  final HttpClient http = HttpClient.newHttpClient();

  Answer send(int port, String method, String path, String auth, String body) throws Exception {
    return Loopback.call(http, port, method, path, auth, body);
  }

  Answer admin(int port, String method, String path, String body) throws Exception {
    return send(port, method, path, "Bearer " + ADMIN, body);
  }

  int track(int port, String user, String messageId) throws Exception {
    return send(port, "POST", "/v1/track", "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8)),
        "{\"userId\": \"" + user + "\", \"messageId\": \"" + messageId + "\", \"event\": \"Product Viewed\", "
            + "\"timestamp\": \"2025-05-31T10:00:00Z\", \"properties\": {\"product_id\": \"p1\"}}").status();
  }

  Server.Options options() {
    return new Server.Options("127.0.0.1", 0, Set.of("wk"), ADMIN, CLOCK, dir, Duration.ofMillis(300));
  }

  static JsonNode worker(JsonNode status, String name) {
    for (JsonNode w : status.get("background")) {
      if (w.get("name").asText().equals(name)) {
        return w;
      }
    }
    throw new AssertionError("no worker '" + name + "' in " + status);
  }

  /** GET /admin/status until {@code done} holds (at most 30 s); the last answer. */
  JsonNode statusUntil(int port, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode s;
    do {
      Answer a = admin(port, "GET", "/admin/status", null);
      assertEquals(200, a.status(), a.raw());
      s = a.body();
      if (done.test(s)) {
        return s;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the status never got there: " + s.toPrettyString());
  }

  static void assertFailedFor(JsonNode w, String name) {
    JsonNode e = w.get("lastError");
    assertTrue(e != null && !e.isNull(), name + " has a last error: " + w);
    assertEquals(NOW.toString(), e.get("at").asText(), name + "'s failure is stamped by the server's clock: " + w);
    assertTrue(e.get("causes").size() >= 1 && !e.get("causes").get(0).asText().isEmpty(), name + " keeps the cause chain: " + w);
    assertTrue(w.get("failed").asLong() >= 1, name + " counts failed attempts: " + w);
  }

  @Test
  void status_storeClosedUnderTheServer_jobsRetryParkReportAndLoseNothing() throws Exception {
    Store store = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
    // A first run stores "known" (a profile the next run's real-time feed must read from the store).
    try (Server first = Server.start(store, options())) {
      assertEquals(201, admin(first.port(), "POST", "/admin/segments",
          "{\"name\": \"viewers\", \"rule\": \"count(product_view in last 30 days) >= 1\", \"realtime\": true}").status());
      assertEquals(200, track(first.port(), "known", "m-known-1"));
      first.flush();
    }
    try (Server server = Server.start(store, options())) {
      int port = server.port();
      JsonNode healthy = admin(port, "GET", "/admin/status", null).body();
      for (String name : List.of("journal", "realtime", "membership-history", "exposures", "webhooks", "decisions", "lifecycle")) {
        assertEquals(0, worker(healthy, name).get("failed").asLong(), name + " has not failed yet: " + healthy);
      }
      assertEquals(0, healthy.get("parkedFiles").size(), healthy.toPrettyString());

      store.close();
      // Acknowledged: the journal is a file of its own. The database behind it is gone.
      assertEquals(200, track(port, "known", "m-known-2"));
      assertEquals(200, track(port, "fresh", "m-fresh-1"));

      JsonNode s = statusUntil(port, x -> x.get("journal").get("parked").asLong() >= 2
          && worker(x, "realtime").get("parked").asLong() >= 1
          && worker(x, "membership-history").get("parked").asLong() >= 1
          && worker(x, "decisions").get("failed").asLong() >= 1);
      JsonNode journal = worker(s, "journal");
      assertFailedFor(journal, "journal");
      assertEquals(2, journal.get("parked").asLong(), s.toPrettyString());
      assertTrue(journal.get("retried").asLong() >= 2 * (Worker.ATTEMPTS - 1), "each record is retried before it is parked: " + journal);
      assertEquals(2, s.get("journal").get("failures").asLong() / Journal.MAX_ATTEMPTS, "the journal's own counters agree: " + s.get("journal"));
      JsonNode realtime = worker(s, "realtime");
      assertFailedFor(realtime, "realtime");
      assertEquals(Worker.ATTEMPTS - 1, realtime.get("retried").asLong(), "the batch is retried, then parked: " + realtime);
      assertEquals(Worker.ATTEMPTS, realtime.get("failed").asLong(), realtime.toString());
      JsonNode history = worker(s, "membership-history");
      assertFailedFor(history, "membership-history");
      assertEquals(Worker.ATTEMPTS - 1, history.get("retried").asLong(), history.toString());
      assertFailedFor(worker(s, "decisions"), "decisions");
      assertEquals("membership.parked", history.get("parkedIn").asText());
      assertEquals(2, s.get("parkedFiles").get("journal.parked").asInt(), s.toPrettyString());
      assertEquals(1, s.get("parkedFiles").get("realtime.parked").asInt(), s.toPrettyString());
      assertEquals(1, s.get("parkedFiles").get("membership.parked").asInt(), s.toPrettyString());
    }

    // Nothing lost: what the database has, and what is parked, add up to every event acknowledged.
    Set<String> events = new TreeSet<>();
    try (Store reopened = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()))) {
      reopened.profiles().history("known").ifPresent(h -> h.events().forEach(e -> events.add(e.id())));
    }
    assertEquals(Set.of("m-known-1"), events, "the first run's event is stored");
    for (Map.Entry<String, byte[]> p : JournalFile.parked(dir)) {
      assertFalse(p.getKey().isBlank(), "a parked record keeps its cause");
      JournalCodec.decode(p.getValue()).events().stream().map(Event::id).forEach(events::add);
    }
    assertEquals(Set.of("m-known-1", "m-known-2", "m-fresh-1"), events);
    List<JsonNode> changes = ParkedFile.read(dir.resolve("membership.parked"));
    JsonNode change = changes.get(0).get("item").get("changes").get(0);
    assertEquals("fresh", change.get("profileId").asText());
    assertEquals("entered", change.get("change").asText());
    assertEquals(NOW.toString(), changes.get(0).get("at").asText());
    JsonNode batch = ParkedFile.read(dir.resolve("realtime.parked")).get(0);
    assertEquals("known", batch.get("item").get("profiles").get(0).get("profileId").asText());
    assertTrue(batch.get("causes").size() >= 1, batch.toString());

    // With no server, segmenta status reads the same files.
    JsonNode offline = Http.JSON.readTree(Server.offlineStatus(dir));
    assertFalse(offline.get("running").asBoolean());
    assertEquals(2, offline.get("parkedFiles").get("journal.parked").asInt(), offline.toPrettyString());
    assertEquals(0, offline.get("journal").get("pending").asInt(), offline.toPrettyString());

    // The database is back. Erasing "known" reaches the parked files too: its parked record and realtime batch go.
    try (Store reopened = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
        Server again = Server.start(reopened, options())) {
      assertEquals(200, admin(again.port(), "DELETE", "/admin/profiles/known", null).status());
    }
    List<Map.Entry<String, byte[]>> left = JournalFile.parked(dir);
    assertEquals(1, left.size(), "only fresh's record is left");
    assertEquals(List.of("m-fresh-1"), JournalCodec.decode(left.get(0).getValue()).events().stream().map(Event::id).toList());
    assertFalse(Files.readString(dir.resolve("realtime.parked")).contains("known"));
    // The parked records go back into the journal, and the next start applies them.
    assertEquals(1, Server.requeueParkedJournal(dir));
    assertFalse(Files.exists(dir.resolve("journal.parked")));
    assertEquals(1, Http.JSON.readTree(Server.offlineStatus(dir)).get("journal").get("pending").asInt());
    try (Store reopened = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
        Server again = Server.start(reopened, options())) {
      assertEquals(List.of("m-fresh-1"), reopened.profiles().history("fresh").orElseThrow().events().stream().map(Event::id).toList());
      assertTrue(reopened.profiles().history("known").isEmpty(), "the erased person does not come back with the replay");
      assertEquals(0, admin(again.port(), "GET", "/admin/status", null).body().get("journal").get("parked").asLong());
    }
  }

  @Test
  void publish_receiverAnswering500_retriedThenParkedAndErasable() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      calls.incrementAndGet();
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    receiver.start();
    Worker w = new Worker("webhooks", CLOCK, dir.resolve("webhooks.parked"));
    try (Webhooks hooks = new Webhooks(dir, w, Duration.ofMillis(5))) {
      Webhooks.Hook h = hooks.add("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", Set.of());
      hooks.publish(List.of(new MembershipChange("p-anna", "vip", true, NOW, "event"), new MembershipChange("p-bo", "vip", true, NOW, "event")));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (w.status().parked() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      BackgroundStatus s = w.status();
      assertEquals(2, s.parked(), s.toString());
      // The delivery thread may take the two changes as one batch or as two (it can wake between them).
      List<JsonNode> parked = ParkedFile.read(dir.resolve("webhooks.parked"));
      int batches = parked.size();
      assertTrue(batches == 1 || batches == 2, parked.toString());
      assertEquals(Webhooks.ATTEMPTS * batches, calls.get(), "every attempt reached the receiver");
      assertEquals(Webhooks.ATTEMPTS * batches, s.failed(), s.toString());
      assertEquals((Webhooks.ATTEMPTS - 1) * batches, s.retried(), s.toString());
      assertEquals(0, s.processed());
      assertTrue(s.lastError().message().contains("HTTP 500"), s.lastError().message());
      assertEquals(NOW, s.lastError().at());
      assertEquals(2, hooks.list().get(0).get("parked").asLong(), hooks.list().toString());
      assertEquals(List.of("p-anna", "p-bo"), parkedProfiles(parked));
      for (JsonNode p : parked) {
        assertEquals(h.id(), p.get("item").get("hook").asText());
        assertEquals("IOException", p.get("causes").get(0).asText(), p.toString());
      }

      hooks.on(new ProfileEvent.Erased(Set.of("p-anna"), Set.of()));
      assertEquals(List.of("p-bo"), parkedProfiles(ParkedFile.read(dir.resolve("webhooks.parked"))), "bo's change stays, anna's is gone");
      assertFalse(Files.readString(dir.resolve("webhooks.parked")).contains("p-anna"));
      hooks.on(new ProfileEvent.Erased(Set.of("p-bo"), Set.of()));
      assertTrue(ParkedFile.read(dir.resolve("webhooks.parked")).isEmpty(), "a batch with nobody left is removed");
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void start_fixedClock_stampsMergesConsentAndProfiles() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
        Server server = Server.start(store, options())) {
      String write = "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8));
      int port = server.port();
      assertEquals(200, send(port, "POST", "/v1/identify", write, "{\"userId\": \"clock-old\", \"traits\": {\"email\": \"clock@example.com\"}}").status());
      assertEquals(200, send(port, "POST", "/v1/identify", write, "{\"userId\": \"clock-new\", \"traits\": {\"email\": \"clock@example.com\"}}").status());
      assertEquals(200, admin(port, "PUT", "/admin/profiles/clock-new/consent", "{\"advertising\": true}").status());
      JsonNode p = admin(port, "GET", "/admin/profiles/clock-new", null).body();
      assertEquals(1, p.get("merges").size(), p.toPrettyString());
      assertEquals(NOW.toString(), p.get("merges").get(0).get("at").asText(), "the merge is stamped by the server's clock");
      assertEquals(NOW.toString(), p.get("asOf").asText());
      assertEquals(NOW.toString(), p.get("consent").get("history").get(0).get("at").asText());
      JsonNode s = admin(port, "GET", "/admin/status", null).body();
      assertTrue(worker(s, "lifecycle").get("processed").asLong() >= 3, "writes, the merge and the consent went through the lifecycle: " + s);
    }
  }

  @Test
  void writeExposures_storeClosed_retriedThenParkedForImport() throws Exception {
    Store store = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
    Worker reloads = new Worker("decisions", CLOCK, null);
    Worker writer = new Worker("exposures", CLOCK, dir.resolve("exposures.parked"));
    List<Event> made = List.of(
        new Event("exp-1", "anna", null, "product_view", NOW, Map.of(), List.of(), Map.of()),
        new Event("exp-2", null, "anon-bo", "product_view", NOW, Map.of(), List.of(), Map.of()));
    try (Decisions decisions = new Decisions(store, CLOCK, Duration.ofHours(1), reloads, writer)) {
      store.close();
      decisions.expose(made);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (writer.status().parked() < 2 && System.nanoTime() < deadline) {
        decisions.writeExposures();
        Thread.sleep(20);
      }
      BackgroundStatus s = writer.status();
      assertEquals(2, s.parked(), s.toString());
      assertEquals(Worker.ATTEMPTS, s.failed(), s.toString());
      assertEquals(Worker.ATTEMPTS - 1, s.retried(), s.toString());
      assertEquals(0, s.backlog(), "nothing waits once parked: " + s);
      assertEquals(NOW, s.lastError().at());
      assertEquals("StoreException", s.lastError().causes().get(0), s.toString());
    }
    // Replayed as segmenta import reads event lines: both exposures reach the database.
    Path lines = dir.resolve("replay.jsonl");
    StringBuilder text = new StringBuilder();
    ParkedFile.read(dir.resolve("exposures.parked")).forEach(p -> p.get("item").get("events").forEach(e -> text.append(e).append('\n')));
    Files.writeString(lines, text);
    try (Store reopened = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()))) {
      Importer.runJsonLines(lines, reopened.catalog(), reopened.profiles(), Importer.Options.strict());
      assertEquals(List.of("exp-1"), reopened.profiles().history("anna").orElseThrow().events().stream().map(Event::id).toList());
      assertEquals(2, reopened.profiles().stats().events(), "both exposures are back");
    }
  }

  @Test
  void on_erasedWhileARecordWaitsForItsRetry_recordIsPruned() throws Exception {
    AtomicInteger refusals = new AtomicInteger();
    try (Store real = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()))) {
      // The journal's own test store: the real one, refusing the write of one event as a database refuses a value.
      Store store = JournalTest.refusing(real, Set.of("held"), refusals);
      Journal j = new Journal(store, dir, CLOCK, new ProfileLifecycle(new Worker("lifecycle", CLOCK, null)), null);
      j.write(JournalTest.track(store, "held", "erase-me", "{}"));
      j.write(JournalTest.track(store, "kept", "stays", "{}"));
      j.flush();
      assertEquals(1, j.status().pending(), "the refused record waits for its retry: " + j.status());
      assertTrue(refusals.get() >= 1);
      j.on(new ProfileEvent.Erased(Set.of("erase-me"), Set.of()));
      assertEquals(0, j.status().pending(), "the erased person's record is gone: " + j.status());
      j.flush();
      assertTrue(real.profiles().history("erase-me").isEmpty(), "nothing brings the erased person back");
      assertEquals(List.of("kept"), JournalTest.eventIds(real, "stays"));
      assertEquals(0, j.status().parked());
      j.close();
    }
  }

  static List<String> parkedProfiles(List<JsonNode> parked) {
    List<String> out = new ArrayList<>();
    parked.forEach(p -> p.get("item").get("body").get("changes").forEach(c -> out.add(c.get("profileId").asText())));
    return out.stream().sorted().toList();
  }

  @Test
  void publish_failingSubscriber_othersStillHearAndPublisherIsTold() {
    Worker w = new Worker("lifecycle", CLOCK, null);
    ProfileLifecycle lifecycle = new ProfileLifecycle(w);
    List<String> heard = new ArrayList<>();
    lifecycle.subscribe(e -> heard.add("first"));
    lifecycle.subscribe(e -> {
      throw new IllegalStateException("a subscriber broke", new IOException("disk"));
    });
    lifecycle.subscribe(e -> heard.add("third"));
    ProfileEvent.Erased erased = new ProfileEvent.Erased(Set.of("p1"), Set.of());
    IllegalStateException thrown = null;
    try {
      lifecycle.publish(erased);
    } catch (IllegalStateException e) {
      thrown = e;
    }
    assertTrue(thrown != null, "the publisher hears of the failure");
    assertEquals(List.of("first", "third"), heard, "every subscriber had the event, in order");
    BackgroundStatus s = w.status();
    assertEquals(1, s.failed());
    assertEquals(List.of("IllegalStateException", "IOException"), s.lastError().causes());
    assertEquals(NOW, s.lastError().at());
  }
}
