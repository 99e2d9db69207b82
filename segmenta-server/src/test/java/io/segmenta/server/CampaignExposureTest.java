package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign that takes over a placement running an experiment holds its people out of the experiment: over real HTTP
 * from a real DuckDB file, the person the campaign wins is shown the campaign and records no exposure, the person it
 * does not win is exposed, and the experiment's analysis counts only the exposed one as a unit, and the held-out one
 * among the people the campaign held out (durably: after a restart too).
 */
class CampaignExposureTest {
  static final String WRITE = "wk_exposure_1";
  static final String ADMIN = "admin_exposure_2";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  Store store;
  Server server;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  JsonNode send(String method, String path, String auth, String body) throws Exception {
    Loopback.Answer r = Loopback.call(http, server.port(), method, path, auth, body);
    assertTrue(r.status() < 300, method + " " + path + ": " + r.status() + " " + r.raw());
    return r.body();
  }

  JsonNode personalize(String userId) throws Exception {
    String auth = "Basic " + Base64.getEncoder().encodeToString((WRITE + ":").getBytes(StandardCharsets.UTF_8));
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/personalize"))
          .header("Authorization", auth).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"" + userId + "\", \"placements\": [\"home_banner\"]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 503 || System.nanoTime() > until) {
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
      }
      Thread.sleep(50);
    }
  }

  long exposures(String profileId) {
    return store.profiles().history(profileId).orElseThrow().events().stream().filter(e -> e.type().equals("experiment_viewed")).count();
  }

  /**
   * A store with two consenting people, {@code held} in Aarhus and {@code exposed} in Odense, the experiment
   * banner_test, the placement home_banner as {@code placementJson} says, and the campaign aarhus_days taking that
   * placement over for the people in Aarhus; the server started. Answers the admin's Authorization header.
   */
  String start(String placementJson) throws Exception {
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "256MB", 1, Map.of()));
    store.profiles().write(new Batch(List.of(CampaignChannelsTest.person("held", "Aarhus"), CampaignChannelsTest.person("exposed", "Odense")),
        List.of()));
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    for (String id : List.of("held", "exposed")) {
      store.consent().recordConsent(id, List.of(new ConsentRecord(Purpose.PERSONALIZATION, true, t, "test")));
    }
    new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC()).save("aarhus", "city = \"Aarhus\"", "");
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir));
    String admin = "Bearer " + ADMIN;
    send("POST", "/admin/experiments", admin, "{\"key\": \"banner_test\", \"variants\": [\"control\", \"big\"],"
        + " \"metrics\": [\"purchase = count(order) >= 1\"]}");
    send("POST", "/admin/placements", admin, placementJson);
    send("PUT", "/admin/campaigns/aarhus_days", admin, "{\"key\": \"aarhus_days\", \"segment\": \"aarhus\", \"priority\": 10,"
        + " \"web\": {\"placement\": \"home_banner\", \"payload\": {\"headline\": \"Aarhus days\"}}}");
    return admin;
  }

  @Test
  void personalize_campaignTakesOverExperimentPlacement_noExposureAndAnalysisCountsTheExposedAndTheHeldOut() throws Exception {
    String admin = start("{\"key\": \"home_banner\", \"strategy\": \"experiment\", \"experiment\": \"banner_test\","
        + " \"contents\": [{\"key\": \"control\", \"payload\": {\"headline\": \"Control\"}}, {\"key\": \"big\", \"payload\": {\"headline\": \"Big\"}}],"
        + " \"fallback\": {\"key\": \"default\", \"payload\": {\"headline\": \"New season\"}}}");

    JsonNode held = personalize("held");
    JsonNode exposed = personalize("exposed");
    assertEquals("aarhus_days", held.at("/campaign/key").asText(), held.toString());
    assertEquals("campaign:aarhus_days", held.at("/decisions/0/content").asText());
    assertEquals("Aarhus days", held.at("/decisions/0/payload/headline").asText());
    assertTrue(held.at("/decisions/0/reason").asText().contains("not exposed to experiment 'banner_test'"), held.toString());
    assertTrue(held.at("/decisions/0/variant").isMissingNode(), "no variant for a person held out: " + held);
    assertTrue(exposed.get("campaign").isNull(), exposed.toString());
    String variant = exposed.at("/decisions/0/variant").asText();
    assertTrue(Set.of("control", "big").contains(variant), exposed.toString());

    // Exposures are written off the request path, every second.
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (exposures("exposed") == 0 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    personalize("held");
    Thread.sleep(1500);
    assertEquals(1, exposures("exposed"));
    assertEquals(0, exposures("held"), "the person shown the campaign never saw the experiment");

    JsonNode analysis = send("GET", "/admin/experiments/banner_test/analysis", admin, null);
    long units = 0;
    for (JsonNode u : analysis.get("units")) {
      units += u.get("units").asLong();
      assertEquals(u.get("variant").asText().equals(variant) ? 1 : 0, u.get("units").asLong(), analysis.get("units").toString());
    }
    assertEquals(1, units, "only the exposed person is a unit of the analysis: " + analysis.get("units"));
    // The held-out person is counted, once however often they were shown the campaign, and said in the summary.
    assertEquals(1, analysis.get("held_out").size(), analysis.toString());
    assertEquals("campaign:aarhus_days", analysis.at("/held_out/0/by").asText(), analysis.toString());
    assertEquals(1, analysis.at("/held_out/0/people").asLong(), analysis.toString());
    assertTrue(analysis.get("summary").toString().contains("1 person was held out by campaign:aarhus_days"), analysis.get("summary").toString());
    assertEquals(1, store.profiles().history("held").orElseThrow().events().stream().filter(e -> e.type().equals(Experiment.HELD_OUT_EVENT)).count());

    // Durable: the count is read back from the store after a restart.
    server.close();
    store.close();
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "256MB", 1, Map.of()));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir));
    JsonNode again = send("GET", "/admin/experiments/banner_test/analysis", admin, null);
    assertEquals(analysis.get("held_out"), again.get("held_out"), again.toString());
  }

  @Test
  void personalize_campaignOnAPlacementWithoutExperiment_holdsNobodyOut() throws Exception {
    String admin = start("{\"key\": \"home_banner\", \"strategy\": \"first_match\","
        + " \"contents\": [], \"fallback\": {\"key\": \"default\", \"payload\": {\"headline\": \"New season\"}}}");
    assertEquals("campaign:aarhus_days", personalize("held").at("/decisions/0/content").asText());
    Thread.sleep(1500);
    JsonNode analysis = send("GET", "/admin/experiments/banner_test/analysis", admin, null);
    assertEquals(0, analysis.get("held_out").size(), "the placement runs no experiment, so nobody was held out of one: " + analysis);
  }
}
