package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.model.Event;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import java.net.http.HttpHeaders;
import java.util.Arrays;

/**
 * The tracking edge over real HTTP: how bodies are read (encodings, gzip, limits), where the write key may be, CORS,
 * the health route and analytics.js' settings. Every odd body is either stored as sent or refused with a 4xx that
 * says why, never acknowledged and then unreadable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackingEdgeTest {
  static final String KEY = "wk_edge_1";
  static final String SHOP = "https://shop.example";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  Store store;
  Server open;
  Server restricted;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
    open = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(KEY), "admin-key-edge", Clock.systemUTC(), dir.resolve("db")));
  }

  @AfterAll
  void stop() {
    open.close();
    store.close();
  }

  record Answer(int status, String body, HttpHeaders headers) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }

    String error() throws Exception {
      return json().path("error").asText();
    }
  }

  Answer post(Server s, String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r.headers());
  }

  Answer track(byte[] body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
    System.arraycopy(headers, 0, all, 2, headers.length);
    return post(open, "/v1/track", body, all);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  static String trackBody(String user, String messageId, String city) {
    return "{\"userId\": \"" + user + "\", \"messageId\": \"" + messageId + "\", \"event\": \"Store Visited\", \"properties\": {\"city\": \"" + city + "\"}}";
  }

  Event stored(String user, String messageId) {
    open.flush();
    return store.profiles().history(user).orElseThrow(() -> new AssertionError("no profile " + user)).events().stream()
        .filter(e -> e.id().equals(messageId)).findFirst().orElseThrow(() -> new AssertionError("no event " + messageId));
  }

  @Test
  void body_withTrailingText_is400() throws Exception {
    Answer a = track(utf8(trackBody("e-1", "m-1", "Oslo") + " and more"));
    assertEquals(400, a.status(), a.body());
    assertTrue(a.error().contains("not valid JSON") && a.error().contains("'and'"), a.body());
    Answer number = track(utf8(trackBody("e-1", "m-1", "Oslo") + " 42"));
    assertEquals(400, number.status(), number.body());
    assertTrue(number.error().contains("more after the JSON object"), number.body());
    Answer two = track(utf8(trackBody("e-1", "m-1", "Oslo") + trackBody("e-1", "m-2", "Oslo")));
    assertEquals(400, two.status(), two.body());
    assertTrue(two.error().contains("more after the JSON object"), two.body());
  }

  @Test
  void body_withDuplicateField_is400() throws Exception {
    Answer a = track(utf8("{\"userId\": \"e-1\", \"userId\": \"e-2\", \"event\": \"x\"}"));
    assertEquals(400, a.status(), a.body());
    assertTrue(a.error().contains("userId"), a.body());
  }

  @Test
  void body_withByteOrderMark_isStoredAsSent() throws Exception {
    byte[] json = utf8(trackBody("e-bom", "m-bom", "Tromsø"));
    byte[] withBom = new byte[json.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(json, 0, withBom, 3, json.length);
    Answer a = track(withBom, "Content-Type", "application/json");
    assertEquals(200, a.status(), a.body());
    assertEquals(new Value.Str("Tromsø"), stored("e-bom", "m-bom").property("city"));
  }

  @Test
  void body_inUtf16AndUtf32_isStoredAsSent() throws Exception {
    String city = "Åre 東京 \uD83D\uDE00";
    record Case(String id, Charset cs, byte[] bom, String contentType) {}
    List<Case> cases = List.of(
        new Case("u16le-bom", StandardCharsets.UTF_16LE, new byte[] {(byte) 0xFF, (byte) 0xFE}, "application/json"),
        new Case("u16be-bom", StandardCharsets.UTF_16BE, new byte[] {(byte) 0xFE, (byte) 0xFF}, "text/plain"),
        new Case("u16be-bare", StandardCharsets.UTF_16BE, new byte[0], null),
        new Case("u16le-declared", StandardCharsets.UTF_16LE, new byte[0], "application/json; charset=UTF-16LE"),
        new Case("u32le-bom", Charset.forName("UTF-32LE"), new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}, "application/json"),
        new Case("u32be-bare", Charset.forName("UTF-32BE"), new byte[0], "application/json"));
    for (Case c : cases) {
      byte[] text = trackBody("e-wide", "m-" + c.id(), city).getBytes(c.cs());
      byte[] body = new byte[c.bom().length + text.length];
      System.arraycopy(c.bom(), 0, body, 0, c.bom().length);
      System.arraycopy(text, 0, body, c.bom().length, text.length);
      Answer a = c.contentType() == null ? track(body) : track(body, "Content-Type", c.contentType());
      assertEquals(200, a.status(), c.id() + ": " + a.body());
      assertEquals(new Value.Str(city), stored("e-wide", "m-" + c.id()).property("city"), c.id());
    }
  }

  @Test
  void body_withBrokenEncoding_is400() throws Exception {
    byte[] bad = utf8(trackBody("e-bad", "m-bad", "X"));
    bad[bad.length - 5] = (byte) 0xC3; // a lead byte without its continuation
    Answer a = track(bad);
    assertEquals(400, a.status(), a.body());
    assertTrue(a.error().contains("not valid UTF-8 at byte"), a.body());
    byte[] odd = trackBody("e-bad", "m-bad", "X").getBytes(StandardCharsets.UTF_16LE);
    byte[] truncated = Arrays.copyOf(odd, odd.length - 1);
    Answer b = track(truncated, "Content-Type", "application/json; charset=utf-16le");
    assertEquals(400, b.status(), b.body());
    assertTrue(b.error().contains("not valid UTF-16LE"), b.body());
  }

  @Test
  void body_beyondJsonLimits_is400NamingTheLimit() throws Exception {
    Answer deep = track(utf8("{\"userId\": \"e-2\", \"event\": \"x\", \"properties\": {\"a\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}}"));
    assertEquals(400, deep.status(), deep.body());
    assertTrue(deep.error().contains("nests deeper than 64 levels"), deep.body());
    Answer digits = track(utf8("{\"userId\": \"e-2\", \"event\": \"x\", \"properties\": {\"a\": " + "9".repeat(5_000) + "}}"));
    assertEquals(400, digits.status(), digits.body());
    assertTrue(digits.error().contains("a number has more than 100 digits"), digits.body());
    Answer name = track(utf8("{\"userId\": \"e-2\", \"event\": \"x\", \"properties\": {\"" + "n".repeat(20_000) + "\": 1}}"));
    assertEquals(400, name.status(), name.body());
    assertTrue(name.error().contains("a field name has more than 1000 characters"), name.body());
    Answer huge = track(utf8("{\"userId\": \"e-2\", \"event\": \"x\", \"properties\": {\"a\": 1e400}}"));
    assertEquals(400, huge.status(), huge.body());
    assertTrue(huge.error().contains("properties.a"), huge.body());
    Answer notObject = track(utf8("[1, 2]"));
    assertEquals(400, notObject.status(), notObject.body());
    assertTrue(notObject.error().contains("expected a JSON object, got array"), notObject.body());
  }

  @Test
  void gzip_anyContentType_isInflated() throws Exception {
    Answer a = track(gzip(utf8(trackBody("e-gz", "m-gz", "Bergen"))), "Content-Encoding", "gzip",
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(200, a.status(), a.body());
    assertEquals(new Value.Str("Bergen"), stored("e-gz", "m-gz").property("city"));
  }

  @Test
  void gzip_brokenOrTooBigOrUnknown_isRefused() throws Exception {
    byte[] z = gzip(utf8(trackBody("e-gz", "m-gz2", "Bergen")));
    Answer broken = track(Arrays.copyOf(z, z.length / 2), "Content-Encoding", "gzip");
    assertEquals(400, broken.status(), broken.body());
    assertTrue(broken.error().contains("gzip"), broken.body());
    Answer notGzip = track(utf8(trackBody("e-gz", "m-gz3", "Bergen")), "Content-Encoding", "gzip");
    assertEquals(400, notGzip.status(), notGzip.body());
    // 64 MB of spaces inflate from ~64 KB: the cap stops inflating at 4 MB.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      byte[] spaces = new byte[1 << 20];
      Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 64; i++) {
        g.write(spaces);
      }
    }
    Answer bomb = track(out.toByteArray(), "Content-Encoding", "gzip");
    assertEquals(413, bomb.status(), bomb.body());
    // Within the server's cap but over the 32 KB of a single call once inflated.
    Answer big = track(gzip(utf8("{\"userId\": \"e-gz\", \"event\": \"x\", \"properties\": {\"pad\": \"" + "x".repeat(40_000) + "\"}}")),
        "Content-Encoding", "gzip");
    assertEquals(413, big.status(), big.body());
    Answer br = track(utf8(trackBody("e-gz", "m-gz4", "Bergen")), "Content-Encoding", "br");
    assertEquals(415, br.status(), br.body());
  }

  /**
   * A body over the cap, sent with its length or in chunks, always gets its 413: the server reads the rest before it
   * answers, so the client is not reset mid-send and left with no answer (seen in CI as "header parser received no
   * bytes"). Several rounds, since a reset depends on timing.
   */
  @Test
  void body_overTheCap_is413EveryTime() throws Exception {
    byte[] big = new byte[5 * 1024 * 1024];
    Arrays.fill(big, (byte) ' ');
    String auth = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 12; i++) {
      HttpRequest.BodyPublisher body = i % 2 == 0 ? HttpRequest.BodyPublishers.ofByteArray(big)
          : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/v1/batch"))
          .header("Authorization", auth).header("Content-Type", "application/json").POST(body).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(413, r.statusCode(), "round " + i + ": " + r.body());
      assertTrue(r.body().contains("4194304"), r.body());
    }
  }

  @Test
  void writeKey_inTheBody_opensTrackingRoutes() throws Exception {
    Answer a = post(open, "/v1/t", utf8("{\"writeKey\": \"" + KEY + "\", \"userId\": \"e-wk\", \"messageId\": \"m-wk\", \"event\": \"Beacon\"}"),
        "Content-Type", "text/plain;charset=UTF-8");
    assertEquals(200, a.status(), a.body());
    stored("e-wk", "m-wk");
    Answer batch = post(open, "/v1/import/", utf8("{\"writeKey\": \"" + KEY + "\", \"batch\": [{\"type\": \"track\", \"userId\": \"e-wk\","
        + " \"messageId\": \"m-wk2\", \"event\": \"Imported\"}]}"), "Content-Type", "application/json; charset=utf-8");
    assertEquals(200, batch.status(), batch.body());
    stored("e-wk", "m-wk2");
    Answer unknown = post(open, "/v1/t", utf8("{\"writeKey\": \"nope\", \"userId\": \"e-wk\", \"event\": \"x\"}"));
    assertEquals(401, unknown.status(), unknown.body());
    Answer none = post(open, "/v1/t", utf8("{\"userId\": \"e-wk\", \"event\": \"x\"}"));
    assertEquals(401, none.status(), none.body());
    assertTrue(none.error().contains("writeKey"), none.body());
    Answer admin = post(open, "/v1/t", utf8("{\"writeKey\": \"admin-key-edge\", \"userId\": \"e-wk\", \"event\": \"x\"}"));
    assertEquals(403, admin.status(), admin.body());
  }

  @Test
  void cors_preflightAndAnswers_carryTheHeaders() throws Exception {
    HttpResponse<String> pre = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/v1/t"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", SHOP)
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization,content-type").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(204, pre.statusCode(), pre.body());
    assertEquals(SHOP, pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
    Answer a = post(open, "/v1/t", utf8("{\"writeKey\": \"" + KEY + "\", \"userId\": \"e-cors\", \"event\": \"x\"}"), "Origin", SHOP);
    assertEquals(200, a.status(), a.body());
    assertEquals(SHOP, a.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    // Refusals from the body reader carry them too, so the page can read why.
    Answer big = post(open, "/v1/t", new byte[5 * 1024 * 1024], "Origin", SHOP);
    assertEquals(413, big.status(), big.body());
    assertEquals(SHOP, big.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    // Admin routes are not for browsers.
    HttpResponse<String> adminPre = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/admin/segments"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", SHOP).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(adminPre.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), adminPre.headers().toString());
  }

  @Test
  void cors_withConfiguredOrigins_refusesOthers() throws Exception {
    Path db = dir.resolve("restricted");
    try (Store s = DuckDb.open(StoreConfig.resolve(db, "1GB", 2, Map.of()));
        Server r = Server.start(s, new Server.Options("127.0.0.1", 0, Set.of(KEY), "admin-key-edge", Clock.systemUTC(), db)
            .withCorsOrigins(Set.of(SHOP)))) {
      byte[] body = utf8("{\"writeKey\": \"" + KEY + "\", \"userId\": \"e-cors\", \"event\": \"x\"}");
      Answer ok = post(r, "/v1/t", body, "Origin", SHOP);
      assertEquals(200, ok.status(), ok.body());
      Answer other = post(r, "/v1/t", body, "Origin", "https://evil.example");
      assertEquals(403, other.status(), other.body());
      assertTrue(other.error().contains("--cors-origin"), other.body());
      assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
      Answer server = post(r, "/v1/t", body);
      assertEquals(200, server.status(), "a server-side client sends no Origin: " + server.body());
    }
  }

  @Test
  void health_answersWithoutAKey() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("ok", JSON.readTree(r.body()).get("status").asText());
  }

  @Test
  void settings_pointAnalyticsJsAtThisServer() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/v1/projects/" + KEY + "/settings"))
        .header("Origin", SHOP).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode seg = JSON.readTree(r.body()).path("integrations").path("Segment.io");
    assertEquals(KEY, seg.get("apiKey").asText());
    assertEquals("127.0.0.1:" + open.port() + "/v1", seg.get("apiHost").asText());
    assertEquals("http", seg.get("protocol").asText());
    assertEquals(0, JSON.readTree(r.body()).path("metrics").path("sampleRate").asInt(-1), "no metrics to Segment");
    assertEquals(SHOP, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/v1/projects/nope/settings"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, unknown.statusCode());
    HttpResponse<String> noBundle = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + open.port() + "/analytics.js/v1/" + KEY + "/analytics.min.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, noBundle.statusCode(), "no bundle configured");
  }
}
