package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audience step end to end: a journey adds a person to a destination's audience and another removes them,
 * delivered to the destination's channel (a signed webhook to a real HTTP server on loopback) and kept in the
 * destination's sync state; consent for the destination's purpose is checked when adding; the check refuses
 * destinations a journey cannot keep (unknown, synced by themselves, written whole).
 */
class JourneyAudienceTest {
  /** The webhook destination's secret comes from the environment, as in production; PATH is set wherever tests run. */
  static final String SECRET_ENV = "PATH";

  @TempDir
  Path dir;
  Store store;
  Server server;
  HttpServer hooks;
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  final List<Boolean> signed = new CopyOnWriteArrayList<>();
  JourneyServerTest http;

  @BeforeEach
  void start() throws Exception {
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext("/aud", x -> {
      byte[] body = x.getRequestBody().readAllBytes();
      String sig = x.getRequestHeaders().getFirst("X-Segmenta-Signature");
      signed.add(("sha256=" + Webhooks.sign(System.getenv(SECRET_ENV), body)).equals(sig));
      received.add(JourneyServerTest.JSON.readTree(body));
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    hooks.start();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(JourneyServerTest.WRITE), JourneyServerTest.ADMIN, Clock.systemUTC(), dir),
        new JourneySettings(null, JourneyServerTest.TICK));
    http = new JourneyServerTest();
    http.server = server;
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
    hooks.stop(0);
  }

  String hookUrl() {
    return "http://127.0.0.1:" + hooks.getAddress().getPort() + "/aud";
  }

  void destination(String key, String extra) throws Exception {
    JourneyServerTest.Answer a = http.admin("PUT", "/admin/destinations/" + key, "{\"key\": \"" + key + "\", \"segment\": \"buyers\", \"kind\": \"webhook\","
        + " \"settings\": {\"url\": \"" + hookUrl() + "\", \"secret_env\": \"" + SECRET_ENV + "\"}" + extra + "}");
    assertEquals(2, a.status() / 100, a.raw());
  }

  List<String> outcomes(String journey, String profileId) {
    List<String> out = new ArrayList<>();
    for (JourneyLog.StepRecord r : store.journeyLog().history(journey, profileId)) {
      out.add(r.step() + ":" + r.outcome() + (r.reason() == null ? "" : "(" + r.reason() + ")"));
    }
    return out;
  }

  boolean ended(String journey, String profileId) {
    JourneyLog.Entries e = store.journeyLog().entries(journey, profileId);
    return e.count() > 0 && !e.running();
  }

  @Test
  void addThenRemove_deliveredToTheChannel_keptInTheSyncState_consentChecked() throws Exception {
    http.track("/v1/identify", "{\"userId\": \"au-1\", \"traits\": {\"email\": \"au-1@example.com\"}}");
    http.track("/v1/identify", "{\"userId\": \"au-2\", \"traits\": {\"email\": \"au-2@example.com\"}}");
    http.admin("GET", "/admin/profiles/au-1", null);
    assertEquals(200, http.admin("PUT", "/admin/profiles/au-2/consent", "{\"analytics\": false}").status());
    assertEquals(2, http.admin("PUT", "/admin/segments/buyers", "{\"rule\": \"count(order) >= 1\"}").status() / 100);
    destination("retarget", "");
    JourneyServerTest.Answer j = http.admin("PUT", "/admin/journeys/join", "{\"key\": \"join\", \"trigger\": {\"event\": \"order\","
        + " \"where\": {\"order_id\": \"first\"}}, \"steps\": [{\"id\": \"add\", \"add_to_audience\": \"retarget\"}]}");
    assertEquals(2, j.status() / 100, j.raw());
    j = http.admin("PUT", "/admin/journeys/leave", "{\"key\": \"leave\", \"trigger\": {\"event\": \"order\", \"where\": {\"order_id\": \"second\"}},"
        + " \"steps\": [{\"id\": \"drop\", \"remove_from_audience\": \"retarget\"}]}");
    assertEquals(2, j.status() / 100, j.raw());

    http.track("/v1/track", "{\"userId\": \"au-1\", \"messageId\": \"o1\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"first\"}}");
    http.track("/v1/track", "{\"userId\": \"au-2\", \"messageId\": \"o2\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"first\"}}");
    JourneyServerTest.await(() -> ended("join", "au-1") && ended("join", "au-2"), "both runs of join ended");
    assertEquals(List.of("add:entered(event order)", "add:sent"), outcomes("join", "au-1"));
    assertEquals(List.of("add:entered(event order)", "add:skipped(no analytics consent)"), outcomes("join", "au-2"));
    assertEquals(1, received.size(), received.toString());
    assertEquals("[\"au-1\"]", received.get(0).get("adds").toString());
    assertEquals(1, store.syncState().fingerprints("retarget").length, "the destination's state holds the person, as a sync would");

    http.track("/v1/track", "{\"userId\": \"au-1\", \"messageId\": \"o3\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"second\"}}");
    JourneyServerTest.await(() -> ended("leave", "au-1"), "the run of leave ended");
    assertEquals(List.of("drop:entered(event order)", "drop:sent"), outcomes("leave", "au-1"));
    assertEquals(2, received.size(), received.toString());
    assertEquals("[\"au-1\"]", received.get(1).get("removes").toString());
    assertEquals("[]", received.get(1).get("adds").toString());
    assertEquals(0, store.syncState().fingerprints("retarget").length, "removed from the state too");
    assertEquals(List.of(true, true), signed, "signed with the destination's secret");
    assertTrue(store.journeyLog().send("join/1/au-1/add/1").isPresent(), "the add was claimed under its idempotency key");
  }

  @Test
  void check_refusesDestinationsAJourneyCannotKeep_namingTheStep() throws Exception {
    assertEquals(2, http.admin("PUT", "/admin/segments/buyers", "{\"rule\": \"count(order) >= 1\"}").status() / 100);
    destination("scheduled", ", \"every\": \"PT1H\"");
    JourneyServerTest.Answer a = http.admin("PUT", "/admin/journeys/bad", "{\"key\": \"bad\", \"trigger\": {\"event\": \"order\"}, \"steps\":"
        + " [{\"id\": \"one\", \"add_to_audience\": \"nowhere\", \"next\": \"two\"}, {\"id\": \"two\", \"remove_from_audience\": \"scheduled\"}]}");
    assertEquals(400, a.status(), a.raw());
    assertTrue(a.raw().contains("step 'one': unknown destination 'nowhere'"), a.raw());
    assertTrue(a.raw().contains("step 'two': destination 'scheduled' syncs its segment by itself (every PT1H)"), a.raw());
  }
}
