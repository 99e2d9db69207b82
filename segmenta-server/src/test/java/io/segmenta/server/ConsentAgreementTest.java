package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.email.Recipients;
import io.segmenta.core.model.Profile;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.store.Store;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader of consent gives the same answer for the same tie: a grant and a withdrawal of one purpose at one
 * instant. The SQL of the store (exports, the decision index's load), the live decision index, the e-mail recipients
 * and the admin view are asked over a real DuckDB file and real HTTP on loopback; {@link ConsentPolicy} says what
 * they must all answer (the withdrawal wins), and profiles without a tie show the test can tell the answers apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentAgreementTest {
  static final String ADMIN = "admin-consent-agree";
  static final String WRITE = "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8));
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  static final List<Purpose> PURPOSES = List.of(Purpose.ANALYTICS, Purpose.PERSONALIZATION, Purpose.EMAIL_MARKETING);
  /** Profiles and what each purpose's policy answer must be. */
  static final List<String> IDS = List.of("tie-grant-first", "tie-withdraw-first", "tie-live", "granted", "withdrawn", "silent");

  @TempDir
  static Path dir;
  Store store;
  Server server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    List<Profile> ps = new ArrayList<>();
    for (String id : IDS) {
      ps.add(new Profile(id, List.of(), Map.of("lifestyle", Value.of("consent-agree"))));
    }
    store.profiles().write(new Batch(ps, List.of()));
    for (Purpose p : PURPOSES) {
      // One call, the grant first; two calls, the withdrawal first: the recording order must not matter.
      store.consent().recordConsent("tie-grant-first", List.of(new ConsentRecord(p, true, T, "test"), new ConsentRecord(p, false, T, "test")));
      store.consent().recordConsent("tie-withdraw-first", List.of(new ConsentRecord(p, false, T, "test")));
      store.consent().recordConsent("tie-withdraw-first", List.of(new ConsentRecord(p, true, T, "test")));
      // The grant of this one arrives later, through the admin route at the same instant (the server's clock is T).
      store.consent().recordConsent("tie-live", List.of(new ConsentRecord(p, false, T, "test")));
      store.consent().recordConsent("granted", List.of(new ConsentRecord(p, false, T.minusSeconds(60), "test"), new ConsentRecord(p, true, T, "test")));
      store.consent().recordConsent("withdrawn", List.of(new ConsentRecord(p, true, T.minusSeconds(60), "test"), new ConsentRecord(p, false, T, "test")));
    }
    Clock clock = Clock.fixed(T, ZoneOffset.UTC);
    new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock).save("consent_agree", "lifestyle = \"consent-agree\"", "everyone in this test");
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), ADMIN, clock, dir));
    ok(send("POST", "/admin/placements", "Bearer " + ADMIN, """
        {"key": "hero", "strategy": "first_match",
         "contents": [{"key": "personal", "rule": "segment consent_agree", "payload": {"headline": "For you"}}],
         "fallback": {"key": "default", "payload": {"headline": "For everyone"}}}
        """));
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  HttpResponse<String> send(String method, String path, String auth, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", auth);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r) throws Exception {
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  /** Each profile's answer for the purpose, by every reader, as "reader: allowed" lines. */
  Map<String, Map<String, Boolean>> answers(Purpose purpose) throws Exception {
    Map<String, Map<String, Boolean>> out = new TreeMap<>();
    for (String id : IDS) {
      out.put(id, new TreeMap<>());
    }
    // The SQL of the store: the export the CLI and the admin route run, in process and over HTTP.
    Set<String> exported = new HashSet<>();
    store.audiences().run(new AudienceQuery.Export(RuleText.parseRule("lifestyle = \"consent-agree\""), T, List.of(), purpose, m -> exported.add(m.profileId())));
    String overHttp = send("GET", "/admin/segments/consent_agree/export?purpose=" + purpose.label(), "Bearer " + ADMIN, null).body();
    for (String id : IDS) {
      out.get(id).put("store export", exported.contains(id));
      out.get(id).put("admin export", overHttp.contains("\"" + id + "\""));
      out.get(id).put("admin view", ok(send("GET", "/admin/profiles/" + id, "Bearer " + ADMIN, null)).get("consent").get("allowed").get(purpose.label()).asBoolean());
      out.get(id).put("policy over the stored history", ConsentPolicy.allows(store.consent().consents(id), purpose));
      if (purpose == Purpose.EMAIL_MARKETING) {
        out.get(id).put("e-mail recipients", Recipients.of(store.catalog(), store.profiles(), store.consent(), store.segmentDefinitions(), store.scores(), id, Recommendations.NONE, 0, Clock.fixed(T, ZoneOffset.UTC)).emailConsent());
        out.get(id).put("e-mail preview", ok(send("POST", "/admin/emails/preview", "Bearer " + ADMIN,
            "{\"template\": {\"key\": \"k\", \"subject\": \"s\", \"body\": \"b\"}, \"profileId\": \"" + id + "\"}")).get("emailConsent").asBoolean());
      }
      if (purpose == Purpose.PERSONALIZATION) {
        out.get(id).put("decision", ok(send("POST", "/v1/personalize", WRITE, "{\"userId\": \"" + id + "\"}")).get("personalized").asBoolean());
      }
    }
    return out;
  }

  @Test
  void everyReader_sameTie_agreesThatTheWithdrawalWins() throws Exception {
    ok(send("POST", "/admin/decisions/reload", "Bearer " + ADMIN, null));
    // The live path: a grant recorded at the instant of a stored withdrawal reaches the loaded index at once.
    ok(send("PUT", "/admin/profiles/tie-live/consent", "Bearer " + ADMIN,
        "{\"analytics\": true, \"personalization\": true, \"email_marketing\": true}"));
    for (boolean reloaded : List.of(false, true)) {
      if (reloaded) {
        ok(send("POST", "/admin/decisions/reload", "Bearer " + ADMIN, null));
      }
      for (Purpose p : PURPOSES) {
        Map<String, Map<String, Boolean>> a = answers(p);
        for (String id : IDS) {
          boolean expected = id.equals("granted") || (id.equals("silent") && !p.optIn);
          for (Map.Entry<String, Boolean> r : a.get(id).entrySet()) {
            assertEquals(expected, r.getValue(), p.label() + ", " + id + ", " + r.getKey() + (reloaded ? " (after a reload)" : "") + ": " + a);
          }
        }
      }
    }
  }
}
