package io.segmenta.server;

import io.segmenta.server.Loopback.Answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.core.identity.Stitching;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** The server over real HTTP on loopback, with a real DuckDB file behind it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerTest {
  static final String WRITE = "wk_test_123";
  static final String ADMIN = "admin_secret_456";
  /** A source that refuses values clashing with their declared types. */
  static final String STRICT = "wk_strict_789";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  Store store;
  Server server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    assertTrue(dir != null, "the temporary directory is injected");
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir)
        .withSources(List.of(new Source("strict-shop", STRICT, true))));
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  /** The store after every acknowledged write reached it. */
  Store stored() {
    server.flush();
    return store;
  }

  Answer send(String method, String path, String auth, String contentType, String body) throws Exception {
    return Loopback.call(http, server.port(), method, path, auth, contentType, body);
  }

  static String basic(String key) {
    return Loopback.basic(key);
  }

  Answer track(String path, String body) throws Exception {
    return send("POST", path, basic(WRITE), "application/json", body);
  }

  Answer admin(String method, String path, String body) throws Exception {
    return send(method, path, "Bearer " + ADMIN, body == null ? null : "application/json", body);
  }

  @Nested
  class Tracking {
    @Test
    void identifyTrackPage_areStoredWithTheirFields() throws Exception {
      assertEquals(200, track("/v1/identify", "{\"userId\": \"u-1\", \"messageId\": \"m-1\", \"traits\": {\"email\": \"Anna@Example.com\","
          + " \"firstName\": \"Anna\", \"plan\": \"gold\", \"address\": {\"city\": \"Aarhus\"}}}").status());
      Answer t = track("/v1/track", "{\"userId\": \"u-1\", \"messageId\": \"m-2\", \"event\": \"Order Completed\", \"timestamp\": \"2025-06-01T10:00:00Z\","
          + " \"properties\": {\"order_id\": \"o-1\", \"total\": 59.5, \"currency\": \"EUR\", \"products\": [{\"product_id\": \"p-1\", \"price\": 29.75, \"quantity\": 2, \"category\": \"shoes\"}]}}");
      assertEquals(200, t.status(), t.raw());
      assertEquals(true, t.body().get("success").asBoolean());
      assertEquals(200, track("/v1/page", "{\"userId\": \"u-1\", \"messageId\": \"m-3\", \"timestamp\": \"2025-06-01T09:59:00Z\", \"context\": {\"page\": {\"url\": \"https://shop.example/sale\","
          + " \"referrer\": \"https://www.google.com/\"}, \"campaign\": {\"source\": \"newsletter\", \"medium\": \"email\", \"name\": \"june\"}, \"userAgent\": \"Mozilla/5.0 (iPhone)\"}}").status());
      ProfileHistory h = stored().profiles().history("u-1").orElseThrow();
      assertEquals(new Value.Str("Anna"), h.profile().trait("first_name"));
      assertEquals(new Value.Str("Aarhus"), h.profile().trait("city"));
      assertEquals(new Value.Str("gold"), h.profile().trait("plan"), "a new trait is declared on first use");
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.kind().equals("email") && i.value().equals("anna@example.com")));
      var order = h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow();
      assertEquals(new Value.Num(59.5), order.property("revenue"));
      assertEquals(1, order.lines().size());
      var page = h.events().stream().filter(e -> e.type().equals("page_view")).findFirst().orElseThrow();
      assertEquals(new Value.Str("email"), page.property("traffic_source"));
      assertEquals(new Value.Str("june"), page.property("utm_campaign"));
      assertEquals(new Value.Str("mobile"), page.property("device"));
    }

    @Test
    void concurrentRequests_shareCommitsAndLoseNoTrait() throws Exception {
      List<CompletableFuture<Integer>> sent = new ArrayList<>();
      var pool = Executors.newFixedThreadPool(8);
      String[] traits = {"\"age\": 33", "\"city\": \"Vejle\"", "\"gender\": \"f\"", "\"income\": 51000"};
      for (int i = 0; i < 200; i++) {
        int k = i;
        sent.add(CompletableFuture.supplyAsync(() -> {
          try {
            String body = k < 4 ? "{\"userId\": \"gc-1\", \"traits\": {" + traits[k] + "}}"
                : "{\"userId\": \"gc-" + (k % 7) + "\", \"messageId\": \"gc-m-" + k + "\", \"event\": \"Product Viewed\"}";
            return track(k < 4 ? "/v1/identify" : "/v1/track", body).status();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      for (var f : sent) {
        assertEquals(200, f.get());
      }
      pool.shutdown();
      var p = stored().profiles().history("gc-1").orElseThrow().profile();
      assertEquals(new Value.Num(33), p.trait("age"));
      assertEquals(new Value.Str("Vejle"), p.trait("city"));
      assertEquals(new Value.Str("f"), p.trait("gender"));
      assertEquals(new Value.Num(51000), p.trait("income"));
      long events = 0;
      for (int u = 0; u < 7; u++) {
        events += stored().profiles().history("gc-" + u).map(h -> h.events().size()).orElse(0);
      }
      assertEquals(196, events);
    }

    @Test
    void clockSkew_isCorrectedFromSentAt() throws Exception {
      // The device's clock is an hour behind: it says it sent the message an hour ago, right after the event.
      Instant now = Instant.now();
      String ts = now.minus(Duration.ofMinutes(61)).toString();
      String sent = now.minus(Duration.ofMinutes(60)).toString();
      assertEquals(200, track("/v1/track", "{\"userId\": \"skew-1\", \"event\": \"Product Viewed\", \"timestamp\": \"" + ts + "\", \"sentAt\": \"" + sent + "\"}").status());
      Instant stored = stored().profiles().history("skew-1").orElseThrow().events().get(0).timestamp();
      long minutesAgo = Duration.between(stored, Instant.now()).toMinutes();
      assertTrue(minutesAgo >= 0 && minutesAgo <= 2, "about a minute before it was received, got " + stored);
    }

    @Test
    void retriedMessage_isStoredOnce() throws Exception {
      String msg = "{\"userId\": \"u-2\", \"messageId\": \"retry-1\", \"event\": \"Product Viewed\", \"properties\": {\"product_id\": \"p-9\", \"price\": 10}}";
      assertEquals(200, track("/v1/track", msg).status());
      assertEquals(200, track("/v1/track", msg).status());
      assertEquals(1, stored().profiles().history("u-2").orElseThrow().events().size());
    }

    @Test
    void anonymousVisitor_isStitchedOnIdentify() throws Exception {
      assertEquals(200, track("/v1/page", "{\"anonymousId\": \"anon-7\", \"messageId\": \"a-1\", \"properties\": {\"url\": \"https://shop.example/\"}}").status());
      assertEquals(200, track("/v1/track", "{\"anonymousId\": \"anon-7\", \"messageId\": \"a-2\", \"event\": \"Product Added\", \"properties\": {\"product_id\": \"p-1\", \"price\": 5}}").status());
      assertEquals(200, track("/v1/identify", "{\"userId\": \"u-7\", \"anonymousId\": \"anon-7\", \"messageId\": \"a-3\", \"traits\": {\"email\": \"seven@example.com\"}}").status());
      assertEquals(2, stored().profiles().history("u-7").orElseThrow().events().size(), "the anonymous past became the customer's");
      assertEquals(200, track("/v1/track", "{\"anonymousId\": \"anon-7\", \"messageId\": \"a-4\", \"event\": \"Signed Up\"}").status());
      var events = stored().profiles().history("u-7").orElseThrow().events();
      assertEquals(3, events.size(), "later anonymous events too");
      assertTrue(events.stream().anyMatch(e -> e.type().equals("signed_up") && e.property("event_name").equals(new Value.Str("Signed Up"))));
    }

    @Test
    void sameEmail_mergesTwoProfilesWithALog() throws Exception {
      assertEquals(200, track("/v1/identify", "{\"userId\": \"old-acct\", \"traits\": {\"email\": \"Merge.Me@example.com\", \"city\": \"Aalborg\", \"age\": 40}}").status());
      assertEquals(200, track("/v1/track", "{\"userId\": \"old-acct\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"m-1\", \"revenue\": 30}}").status());
      assertEquals(200, track("/v1/identify", "{\"userId\": \"new-acct\", \"traits\": {\"email\": \"merge.me@example.com\", \"city\": \"Aarhus\"}}").status());
      var h = stored().profiles().history("new-acct").orElseThrow();
      assertEquals(1, h.events().size(), "the old account's order moved");
      assertEquals(new Value.Str("Aarhus"), h.profile().trait("city"), "the survivor's value wins");
      assertEquals(new Value.Num(40), h.profile().trait("age"), "the merged profile fills gaps");
      assertTrue(store.profiles().history("old-acct").isEmpty());
      JsonNode merges = admin("GET", "/admin/profiles/new-acct", null).body().get("merges");
      assertEquals(1, merges.size());
      assertEquals("same email", merges.get(0).get("reason").asText());
      assertEquals("old-acct", merges.get(0).get("merged").asText());
    }

    @Test
    void sharedEmail_stopsMergingAfterTheLimit() throws Exception {
      for (int i = 0; i < 6; i++) {
        assertEquals(200, track("/v1/identify", "{\"userId\": \"shared-" + i + "\", \"traits\": {\"email\": \"test@test.com\"}}").status());
        stored();
      }
      long survivors = 0;
      for (int i = 0; i < 6; i++) {
        survivors += store.profiles().history("shared-" + i).isPresent() ? 1 : 0;
      }
      assertEquals(6 - Stitching.MAX_MERGES_PER_IDENTIFIER, survivors, "after 3 merges the address counts as shared");
      JsonNode merges = admin("GET", "/admin/profiles/shared-5", null).body().get("merges");
      assertTrue(merges.toString().contains("refused"), merges.toString());
    }

    @Test
    void batch_withABadMessageStoresNothing() throws Exception {
      Answer a = track("/v1/batch", "{\"batch\": [{\"type\": \"track\", \"userId\": \"u-3\", \"messageId\": \"b-1\", \"event\": \"Product Viewed\"},"
          + " {\"type\": \"track\", \"messageId\": \"b-2\", \"event\": \"Product Viewed\"}, {\"type\": \"bogus\", \"userId\": \"u-3\"},"
          + " {\"type\": \"track\", \"userId\": \"u-3\", \"event\": \"Order Completed\", \"timestamp\": \"yesterday\"}]}");
      assertEquals(400, a.status(), a.raw());
      assertEquals(3, a.body().get("problems").size(), a.raw());
      assertTrue(a.raw().contains("batch[1].userId") && a.raw().contains("batch[2].type") && a.raw().contains("batch[3].timestamp"), a.raw());
      assertTrue(stored().profiles().history("u-3").isEmpty(), "nothing was stored");
      Answer ok = track("/v1/batch", "{\"batch\": [{\"type\": \"track\", \"userId\": \"u-3\", \"messageId\": \"b-1\", \"event\": \"Product Viewed\"},"
          + " {\"type\": \"identify\", \"userId\": \"u-3\", \"traits\": {\"age\": 41}}], \"context\": {\"library\": {\"name\": \"test\"}}}");
      assertEquals(200, ok.status(), ok.raw());
      assertEquals(new Value.Num(41), stored().profiles().history("u-3").orElseThrow().profile().trait("age"));
    }

    @Test
    void typeConflict_lenientKeepsTheWriteAndLaterMergesStillApply() throws Exception {
      // The first value declares the trait as text; the second clashes and is kept with the identify event.
      assertEquals(200, track("/v1/identify", "{\"userId\": \"lc-4\", \"traits\": {\"zodiac_rank\": \"old\"}}").status());
      assertEquals(200, track("/v1/identify", "{\"userId\": \"lc-old\", \"traits\": {\"email\": \"lenient.merge@example.com\", \"zodiac_rank\": 41, \"city\": \"Odense\"}}").status());
      assertEquals(200, track("/v1/track", "{\"userId\": \"lc-old\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"lc-1\", \"revenue\": 30}}").status());
      assertEquals(200, track("/v1/identify", "{\"userId\": \"lc-new\", \"traits\": {\"email\": \"lenient.merge@example.com\"}}").status());
      var h = stored().profiles().history("lc-new").orElseThrow();
      assertEquals(new Value.Str("Odense"), h.profile().trait("city"), "the merge applied");
      assertTrue(store.profiles().history("lc-old").isEmpty());
      assertTrue(store.profiles().history("lc-4").isPresent(), "the lenient write is stored");
      assertEquals(0, admin("GET", "/admin/status", null).body().get("journal").get("parked").asLong());
    }

    @Test
    void typeConflict_namesTheField() throws Exception {
      Answer a = send("POST", "/v1/identify", basic(STRICT), "application/json", "{\"userId\": \"u-4\", \"traits\": {\"age\": \"old\"}}");
      assertEquals(400, a.status());
      assertTrue(a.body().get("error").asText().startsWith("traits.age: is declared as number"), a.raw());
    }

    @Test
    void badRequests_getTheRightStatus() throws Exception {
      // Any claimed content type is read as JSON (analytics.js sends text/plain); only the body decides.
      Answer plain = send("POST", "/v1/track", basic(WRITE), "text/plain", "{\"userId\": \"u-tp\", \"event\": \"Text Plain\"}");
      assertEquals(200, plain.status(), plain.raw());
      Answer broken = track("/v1/track", "{\"userId\": ");
      assertEquals(400, broken.status());
      assertTrue(broken.body().get("error").asText().startsWith("the body is not valid JSON"), broken.raw());
      String big = "{\"userId\": \"u\", \"event\": \"x\", \"properties\": {\"pad\": \"" + "x".repeat(33 * 1024) + "\"}}";
      assertEquals(413, track("/v1/track", big).status());
      assertEquals(401, send("POST", "/v1/track", null, "application/json", "{}").status());
      assertEquals(401, send("POST", "/v1/track", basic("nope"), "application/json", "{}").status());
      assertEquals(403, send("POST", "/v1/track", "Bearer " + ADMIN, "application/json", "{}").status());
      Answer missing = track("/v1/track", "{\"userId\": \"u-5\"}");
      assertEquals(400, missing.status());
      assertTrue(missing.body().get("error").asText().contains("event"), missing.raw());
    }
  }

  @Nested
  class Admin {
    @Test
    void status_countsWhatTheJournalApplied() throws Exception {
      long before = admin("GET", "/admin/status", null).body().get("journal").get("appliedEvents").asLong();
      assertEquals(200, track("/v1/track", "{\"userId\": \"st-1\", \"event\": \"Signed Up\"}").status());
      Answer a = admin("GET", "/admin/status", null);
      assertEquals(200, a.status(), a.raw());
      JsonNode j = a.body().get("journal");
      assertEquals(before + 1, j.get("appliedEvents").asLong(), a.raw());
      assertEquals(0, j.get("parked").asLong(), a.raw());
      assertEquals(0, j.get("pending").asInt(), a.raw());
      assertEquals(403, send("GET", "/admin/status", basic(WRITE), null, null).status());
    }

    @Test
    void writeKey_cannotReadAnything() throws Exception {
      assertEquals(403, send("GET", "/admin/segments", basic(WRITE), null, null).status());
      assertEquals(401, send("GET", "/admin/segments", null, null, null).status());
    }

    @Test
    void segments_createListMembersAndErrors() throws Exception {
      track("/v1/identify", "{\"userId\": \"s-1\", \"traits\": {\"country\": \"DK\"}}");
      track("/v1/identify", "{\"userId\": \"s-2\", \"traits\": {\"country\": \"SE\"}}");
      Answer c = admin("POST", "/admin/segments", "{\"name\": \"danes\", \"rule\": \"country = \\\"DK\\\"\"}");
      assertEquals(201, c.status(), c.raw());
      assertEquals(409, admin("POST", "/admin/segments", "{\"name\": \"danes\", \"rule\": \"country = \\\"DK\\\"\"}").status());
      Answer put = admin("PUT", "/admin/segments/danes", "{\"rule\": \"country in [\\\"DK\\\", \\\"SE\\\"]\", \"description\": \"Nordics\"}");
      assertEquals(200, put.status(), put.raw());
      assertTrue(put.body().get("size").asInt() > c.body().get("size").asInt(), "the replaced rule also counts the Swedes");
      assertEquals("Nordics", put.body().get("description").asText());
      assertEquals(200, admin("PUT", "/admin/segments/danes", "{\"rule\": \"country = \\\"DK\\\"\"}").status());
      Answer m = admin("GET", "/admin/segments/danes/members", null);
      assertEquals(200, m.status());
      assertTrue(m.raw().contains("s-1") && !m.raw().contains("s-2"), m.raw());
      Answer bad = admin("POST", "/admin/rules/check", "{\"rule\": \"country = \"}");
      assertEquals(400, bad.status());
      assertTrue(bad.body().get("error").asText().contains("line 1"), bad.raw());
      Answer p = admin("POST", "/admin/rules/preview", "{\"rule\": {\"country\": \"SE\"}}");
      assertEquals(200, p.status(), p.raw());
      assertTrue(p.body().get("count").asLong() >= 1);
      Answer export = admin("GET", "/admin/segments/danes/export?traits=country", null);
      assertEquals(200, export.status());
      assertTrue(export.raw().contains("\"country\":\"DK\""), export.raw());
      assertEquals(204, admin("DELETE", "/admin/segments/danes", null).status());
      assertEquals(404, admin("GET", "/admin/segments/danes", null).status());
    }

    @Test
    void profile_byEmail() throws Exception {
      track("/v1/identify", "{\"userId\": \"p-1\", \"traits\": {\"email\": \"pia@example.com\", \"country\": \"NO\"}}");
      track("/v1/track", "{\"userId\": \"p-1\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"x\", \"revenue\": 20}}");
      Answer a = admin("GET", "/admin/profiles/pia@example.com?by=email", null);
      assertEquals(200, a.status(), a.raw());
      assertEquals("p-1", a.body().get("id").asText());
      assertEquals(1, a.body().get("computedTraits").get("orders").asInt());
      assertEquals(1, a.body().get("recentEvents").size());
      assertEquals(404, admin("GET", "/admin/profiles/nobody@example.com?by=email", null).status());
    }

    @Test
    void openApi_documentsExactlyTheRoutesServed() throws Exception {
      Answer doc = send("GET", "/openapi.json", null, null, null);
      assertEquals(200, doc.status());
      int documented = 0;
      for (Iterator<Map.Entry<String, JsonNode>> it = doc.body().get("paths").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        for (Iterator<String> ms = p.getValue().fieldNames(); ms.hasNext(); ) {
          String method = ms.next().toUpperCase();
          documented++;
          String path = p.getKey().replaceAll("\\{[A-Za-z]+}", "x");
          Answer a = send(method, path, null, null, null);
          if (!p.getValue().get(method.toLowerCase()).has("security")) {
            // A public route exists: it answers, or refuses in its own words (an unknown write key), never Javalin's 404.
            assertTrue(a.status() == 200 || a.body() != null && a.body().has("error"), method + " " + path + ": " + a.raw());
            continue;
          }
          // Every documented route exists: it asks for a key (401) instead of answering 404.
          assertEquals(401, a.status(), method + " " + path + ": " + a.raw());
        }
      }
      assertEquals(server.routes().size() - 1, documented, "every route but the document itself is documented");
      assertEquals(404, send("GET", "/admin/nothing-here", "Bearer " + ADMIN, null, null).status());
    }
  }

  @Nested
  class Privacy {
    boolean onDisk(String needle) throws Exception {
      byte[] n = needle.getBytes(StandardCharsets.UTF_8);
      try (var files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          byte[] b = Files.readAllBytes(f);
          outer:
          for (int i = 0; i + n.length <= b.length; i++) {
            for (int j = 0; j < n.length; j++) {
              if (b[i + j] != n[j]) {
                continue outer;
              }
            }
            return true;
          }
        }
      }
      return false;
    }

    @Test
    void erase_leavesNoTraceOnDisk() throws Exception {
      String email = "erase-me-" + UUID.randomUUID() + "@example.org";
      String user = "user-" + UUID.randomUUID();
      track("/v1/page", "{\"anonymousId\": \"anon-" + user + "\", \"properties\": {\"url\": \"https://shop.example/\"}}");
      track("/v1/identify", "{\"userId\": \"" + user + "\", \"anonymousId\": \"anon-" + user + "\", \"traits\": {\"email\": \"" + email + "\", \"first_name\": \"Erika\"}}");
      track("/v1/track", "{\"userId\": \"" + user + "\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"o-" + user + "\", \"revenue\": 12,"
          + " \"products\": [{\"product_id\": \"p\", \"price\": 12}]}, \"context\": {\"consent\": {\"categoryPreferences\": {\"Advertising\": true}}}}");
      assertTrue(onDisk(email), "before erasure the e-mail is on disk (so the check below can fail)");
      Answer a = admin("DELETE", "/admin/profiles/" + email + "?by=email", null);
      assertEquals(200, a.status(), a.raw());
      assertEquals(2, a.body().get("events").asInt(), "the anonymous page view and the order");
      assertFalse(onDisk(email), "the e-mail is in no file of the data directory");
      assertFalse(onDisk(user), "nor the user id");
      assertTrue(stored().profiles().history(user).isEmpty());
      assertEquals(404, admin("GET", "/admin/profiles/" + user, null).status());
      assertEquals(200, track("/v1/track", "{\"userId\": \"after-erase\", \"event\": \"Product Viewed\"}").status(), "the store works after compaction");
    }

    @Test
    void subjectAccess_holdsEverything() throws Exception {
      track("/v1/identify", "{\"userId\": \"sa-1\", \"traits\": {\"email\": \"sa@example.com\", \"city\": \"Odense\"}}");
      track("/v1/track", "{\"userId\": \"sa-1\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"sa-o\", \"revenue\": 7}}");
      admin("PUT", "/admin/profiles/sa-1/consent", "{\"email_marketing\": true}");
      Answer a = admin("GET", "/admin/profiles/sa@example.com/export?by=email", null);
      assertEquals(200, a.status(), a.raw());
      assertEquals("sa@example.com", a.body().get("identifiers").get("email").get(0).asText());
      assertEquals("Odense", a.body().get("traits").get("city").asText());
      assertEquals(1, a.body().get("allEvents").size());
      assertEquals("email_marketing", a.body().get("consent").get("history").get(0).get("purpose").asText());
    }

    @Test
    void export_keepsOnlyWhoseConsentAllowsThePurpose() throws Exception {
      for (String u : new String[] {"c-yes", "c-no", "c-none"}) {
        track("/v1/identify", "{\"userId\": \"" + u + "\", \"traits\": {\"lifestyle\": \"consent-test\"}}");
      }
      admin("PUT", "/admin/profiles/c-yes/consent", "{\"email_marketing\": true}");
      admin("PUT", "/admin/profiles/c-no/consent", "{\"email_marketing\": false, \"analytics\": false}");
      track("/v1/track", "{\"userId\": \"c-yes\", \"event\": \"Product Viewed\", \"context\": {\"consent\": {\"categoryPreferences\": {\"Marketing\": true, \"C0004\": true}}}}");
      assertEquals(201, admin("POST", "/admin/segments", "{\"name\": \"consent-test\", \"rule\": \"lifestyle = \\\"consent-test\\\"\"}").status());
      String mail = admin("GET", "/admin/segments/consent-test/export?purpose=email_marketing", null).raw();
      assertTrue(mail.contains("\"c-yes\"") && !mail.contains("\"c-no\"") && !mail.contains("\"c-none\""), mail);
      Answer all = admin("GET", "/admin/segments/consent-test/export", null);
      String analytics = all.status() + " " + all.raw();
      assertTrue(analytics.contains("\"c-yes\"") && analytics.contains("\"c-none\"") && !analytics.contains("\"c-no\""), analytics);
      JsonNode c = admin("GET", "/admin/profiles/c-yes", null).body().get("consent");
      assertEquals(1, c.get("history").size(), "the same choice again from tracking is not a new record");
      assertTrue(c.get("allowed").get("email_marketing").asBoolean());
      assertFalse(c.get("allowed").get("advertising").asBoolean(), "opt-in purposes are refused until granted");
      assertEquals(400, admin("PUT", "/admin/profiles/c-yes/consent", "{\"spam\": true}").status());
    }
  }

  @Nested
  class Decisions {
    @Test
    void decide_isStickyMatchesTheSdksAndRecordsOneExposure() throws Exception {
      track("/v1/identify", "{\"userId\": \"d-1\", \"traits\": {\"country\": \"DK\"}}");
      Answer c = admin("POST", "/admin/experiments", "{\"key\": \"hero\", \"variants\": [\"control\", \"big\"], \"hashVersion\": 2,"
          + " \"metrics\": [\"purchase = count(order) >= 1\"]}");
      assertEquals(201, c.status(), c.raw());
      String expected = Assignment.decide(ExperimentJson.parse(c.raw()), Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str("d-1"))))).variantKey();
      Answer first = track("/v1/decide", "{\"experiment\": \"hero\", \"userId\": \"d-1\"}");
      Answer second = track("/v1/decide", "{\"experiment\": \"hero\", \"userId\": \"d-1\"}");
      assertEquals(200, first.status(), first.raw());
      assertEquals(expected, first.body().get("variant").asText());
      assertEquals(expected, second.body().get("variant").asText());
      assertTrue(first.body().get("exposureRecorded").asBoolean());
      assertFalse(second.body().get("exposureRecorded").asBoolean(), "the first exposure stays the first");
      assertEquals(1, stored().profiles().history("d-1").orElseThrow().events().stream().filter(e -> e.type().equals("experiment_viewed")).count());
      Answer anon = track("/v1/decide", "{\"experiment\": \"hero\", \"anonymousId\": \"visitor-1\"}");
      assertEquals(200, anon.status(), anon.raw());
      assertEquals(404, track("/v1/decide", "{\"experiment\": \"nope\", \"userId\": \"d-1\"}").status());
      Answer analysis = admin("GET", "/admin/experiments/hero/analysis", null);
      assertEquals(200, analysis.status(), analysis.raw());
      assertEquals("hero", analysis.body().get("experiment").get("key").asText());
    }
  }
}
