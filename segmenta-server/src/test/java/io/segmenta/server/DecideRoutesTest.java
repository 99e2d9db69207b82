package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/decide} over real HTTP on loopback, a real DuckDB file behind it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecideRoutesTest {
  static final String WRITE = "wk_decide_1";
  static final String ADMIN = "admin_decide_2";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  Store store;
  Server server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir));
    HttpResponse<String> c = send("/admin/experiments", "Bearer " + ADMIN, "{\"key\": \"fresh\", \"variants\": [\"control\", \"big\"],"
        + " \"hashVersion\": 2, \"metrics\": [\"purchase = count(order) >= 1\"]}");
    assertEquals(201, c.statusCode(), c.body());
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  HttpResponse<String> send(String path, String auth, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", auth)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> decide(String body) throws Exception {
    return send("/v1/decide", "Basic " + Base64.getEncoder().encodeToString((WRITE + ":").getBytes(StandardCharsets.UTF_8)), body);
  }

  static String expected(String id) {
    return Assignment.decide(ExperimentJson.parse("{\"key\": \"fresh\", \"variants\": [\"control\", \"big\"], \"hashVersion\": 2}"),
        Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str(id))))).variantKey();
  }

  @Nested
  class UnknownUser {
    @Test
    void decide_userIdWithNoProfileIsAssignedAndRecorded() throws Exception {
      assertTrue(store.profiles().history("new-user-7").isEmpty(), "no profile yet");
      HttpResponse<String> r = decide("{\"experiment\": \"fresh\", \"userId\": \"new-user-7\"}");
      assertEquals(200, r.statusCode(), r.body());
      JsonNode b = JSON.readTree(r.body());
      assertTrue(b.get("inExperiment").asBoolean(), r.body());
      assertEquals(expected("new-user-7"), b.get("variant").asText(), "the variant a GrowthBook SDK gives that id");
      assertTrue(b.get("exposureRecorded").asBoolean());
      assertTrue(b.get("newProfile").asBoolean());
      server.flush();
      var h = store.profiles().history("new-user-7").orElseThrow(() -> new AssertionError("the exposure created the profile"));
      assertEquals(1, h.events().stream().filter(e -> e.type().equals("experiment_viewed")).count());
      JsonNode again = JSON.readTree(decide("{\"experiment\": \"fresh\", \"userId\": \"new-user-7\"}").body());
      assertEquals(b.get("variant").asText(), again.get("variant").asText(), "sticky once the profile exists");
      assertFalse(again.get("exposureRecorded").asBoolean());
      assertFalse(again.get("newProfile").asBoolean(), "the first exposure created the profile");
    }

    @Test
    void decide_userIdWithNoProfileIsInNoSegment() throws Exception {
      HttpResponse<String> seg = send("/admin/segments", "Bearer " + ADMIN, "{\"name\": \"buyers\", \"rule\": \"count(order) >= 1\"}");
      assertEquals(201, seg.statusCode(), seg.body());
      HttpResponse<String> c = send("/admin/experiments", "Bearer " + ADMIN, "{\"key\": \"for-buyers\", \"variants\": [\"control\", \"big\"],"
          + " \"segment\": \"buyers\", \"metrics\": [\"purchase = count(order) >= 1\"]}");
      assertEquals(201, c.statusCode(), c.body());
      HttpResponse<String> r = decide("{\"experiment\": \"for-buyers\", \"userId\": \"fresh-9\"}");
      assertEquals(200, r.statusCode(), r.body());
      JsonNode b = JSON.readTree(r.body());
      assertFalse(b.get("inExperiment").asBoolean(), r.body());
      assertEquals("the unit is not in segment 'buyers'", b.get("reason").asText());
      assertFalse(b.get("exposureRecorded").asBoolean(), "only a unit in the experiment is exposed");
      assertTrue(b.get("newProfile").asBoolean());
    }

    @Test
    void decide_numericUserIdIsHashedAsItsText() throws Exception {
      HttpResponse<String> r = decide("{\"experiment\": \"fresh\", \"userId\": 4711, \"record\": false}");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(expected("4711"), JSON.readTree(r.body()).get("variant").asText());
    }
  }

  @Nested
  class StickyBuckets {
    HttpResponse<String> create(String weights, int bucketVersion) throws Exception {
      HttpResponse<String> c = send("/admin/experiments", "Bearer " + ADMIN, "{\"key\": \"sticky\", \"variations\": [\"c\", \"t\"],"
          + " \"meta\": [{\"key\": \"control\"}, {\"key\": \"treatment\"}], \"weights\": " + weights + ", \"hashVersion\": 2,"
          + " \"bucketVersion\": " + bucketVersion + ", \"metrics\": [\"purchase = count(order) >= 1\"]}");
      assertTrue(c.statusCode() == 201 || c.statusCode() == 200, c.statusCode() + " " + c.body());
      return c;
    }

    String variant(String user) throws Exception {
      HttpResponse<String> r = decide("{\"experiment\": \"sticky\", \"userId\": \"" + user + "\"}");
      assertEquals(200, r.statusCode(), r.body());
      server.flush();
      return JSON.readTree(r.body()).get("variant").asText();
    }

    /** GrowthBook's sticky bucketing over HTTP: the recorded exposure is the unit's bucket until the version changes. */
    @Test
    void decide_keepsTheFirstVariantAcrossAWeightChangeUntilTheBucketVersionChanges() throws Exception {
      create("[1, 0]", 0);
      assertEquals("control", variant("s-1"), "all traffic to control");
      create("[0, 1]", 0);
      assertEquals("control", variant("s-1"), "the stored bucket wins over the new weights");
      assertEquals("treatment", variant("s-2"), "a new unit gets the new weights");
      create("[0, 1]", 1);
      assertEquals("treatment", variant("s-1"), "a new bucket version re-buckets everyone");
      assertEquals(2, store.profiles().history("s-1").orElseThrow().events().stream().filter(e -> e.type().equals("experiment_viewed")).count(),
          "one exposure per bucket version");
    }
  }

  @Nested
  class BadInput {
    @Test
    void decide_bothIdsIsA400NamingThem() throws Exception {
      HttpResponse<String> r = decide("{\"experiment\": \"fresh\", \"userId\": \"a\", \"anonymousId\": \"b\"}");
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(r.body().contains("exactly one of 'userId' and 'anonymousId', got both"), r.body());
    }

    @Test
    void decide_objectUserIdIsA400NamingTheField() throws Exception {
      HttpResponse<String> r = decide("{\"experiment\": \"fresh\", \"userId\": {\"x\": 1}}");
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(r.body().contains("field 'userId': expected a non-empty text id, got object"), r.body());
    }
  }
}
