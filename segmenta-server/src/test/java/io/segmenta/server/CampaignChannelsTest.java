package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's test of "one message per person": people in two campaigns' segments see the same campaign on the site
 * ({@code /v1/personalize}), in the journey's e-mail (SMTP to GreenMail) and in exactly one of the two campaigns' ad
 * audiences (file destinations bound to the campaigns), all over real HTTP from a real DuckDB file.
 */
class CampaignChannelsTest {
  static final String WRITE = "wk_campaigns_1";
  static final String ADMIN = "admin_campaigns_2";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  GreenMail mail;
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
    if (mail != null) {
      mail.stop();
    }
  }

  Loopback.Answer send(String method, String path, String auth, String body) throws Exception {
    return Loopback.call(http, server.port(), method, path, auth, body);
  }

  JsonNode admin(String method, String path, String body) throws Exception {
    Loopback.Answer r = send(method, path, "Bearer " + ADMIN, body);
    assertTrue(r.status() < 300, method + " " + path + ": " + r);
    return r.body();
  }

  JsonNode personalize(String userId) throws Exception {
    String auth = "Basic " + Base64.getEncoder().encodeToString((WRITE + ":").getBytes(StandardCharsets.UTF_8));
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Loopback.Answer r = send("POST", "/v1/personalize", auth, "{\"userId\": \"" + userId + "\", \"placements\": [\"home_banner\"]}");
      if (r.status() != 503 || System.nanoTime() > until) {
        assertEquals(200, r.status(), r.toString());
        return r.body();
      }
      Thread.sleep(50);
    }
  }

  static Profile person(String id, String city) {
    return new Profile(id, List.of(Identifier.email(id + "@example.com")), Map.of("country", Value.of("DK"), "city", Value.of(city),
        "first_name", Value.of("Ann")));
  }

  @Test
  void twoCampaignsSegments_oneCampaignOnSiteInEmailAndInExactlyOneAdAudience() throws Exception {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "512MB", 1, Map.of()));
    // both: in Aarhus (campaign a, priority 10) and a Dane (campaign b, priority 5); dane: only b's segment;
    // noads: in both segments, but its consent allows neither ads nor the site, only e-mail.
    // swede: in neither segment, so the journey's campaign step skips them.
    Profile swede = new Profile("swede", List.of(Identifier.email("swede@example.com")), Map.of("country", Value.of("SE"), "city", Value.of("Malmö")));
    store.profiles().write(new Batch(List.of(person("both", "Aarhus"), person("dane", "Odense"), person("noads", "Aarhus"), swede), List.of()));
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    for (String id : List.of("both", "dane")) {
      store.consent().recordConsent(id, List.of(new ConsentRecord(Purpose.ADVERTISING, true, t, "test"),
          new ConsentRecord(Purpose.EMAIL_MARKETING, true, t, "test"), new ConsentRecord(Purpose.PERSONALIZATION, true, t, "test")));
    }
    store.consent().recordConsent("noads", List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, t, "test")));
    store.consent().recordConsent("swede", List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, t, "test")));
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    segments.save("aarhus", "city = \"Aarhus\"", "");
    segments.save("danes", "country = \"DK\"", "");
    SmtpMailer smtp = new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "shop@example.com", null, null, false));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir),
        new JourneySettings(smtp, Duration.ofMillis(50)));

    admin("POST", "/admin/placements", "{\"key\": \"home_banner\", \"strategy\": \"first_match\", \"contents\": [],"
        + " \"fallback\": {\"key\": \"default\", \"payload\": {\"headline\": \"New season\"}}}");
    String out = dir.resolve("ads").toString().replace("\\", "/");
    for (String c : List.of("a", "b")) {
      admin("PUT", "/admin/destinations/ads_" + c, "{\"key\": \"ads_" + c + "\", \"segment\": \"" + (c.equals("a") ? "aarhus" : "danes")
          + "\", \"kind\": \"file\", \"purpose\": \"advertising\", \"campaign\": \"" + c + "\", \"settings\": {\"folder\": \"" + out
          + "\", \"format\": \"csv\"}}");
    }
    admin("PUT", "/admin/campaigns/a", "{\"key\": \"a\", \"segment\": \"aarhus\", \"priority\": 10, \"web\": {\"placement\": \"home_banner\","
        + " \"payload\": {\"headline\": \"Aarhus days\"}}, \"email_template\": \"mail_a\", \"ad_destination\": \"ads_a\"}");
    admin("PUT", "/admin/campaigns/b", "{\"key\": \"b\", \"segment\": \"danes\", \"priority\": 5, \"web\": {\"placement\": \"home_banner\","
        + " \"payload\": {\"headline\": \"Danish week\"}}, \"email_template\": \"mail_b\", \"ad_destination\": \"ads_b\"}");
    // The journey's step names campaign b's template: a campaign step, so each person gets their campaign's e-mail.
    admin("PUT", "/admin/journeys/thanks", """
        {"key": "thanks", "trigger": {"event": "order"}, "steps": [{"id": "mail", "send_email": "mail_b"}], "reentry": "never",
         "templates": {"mail_a": {"subject": "Aarhus days", "body": "<p>a</p>"}, "mail_b": {"subject": "Danish week", "body": "<p>b</p>"}}}
        """);
    assertEquals("a", admin("GET", "/admin/campaigns", null).at("/campaigns/0/key").asText(), "highest priority first");

    // The site.
    Map<String, String> site = new TreeMap<>();
    for (String id : List.of("both", "dane", "noads")) {
      JsonNode d = personalize(id);
      site.put(id, d.get("campaign").isNull() ? "-" : d.at("/campaign/key").asText() + ":" + d.at("/decisions/0/payload/headline").asText());
    }
    assertEquals(Map.of("both", "a:Aarhus days", "dane", "b:Danish week", "noads", "-"), site);
    assertEquals("a", admin("GET", "/admin/campaigns/of/noads", null).at("/campaign/key").asText(), "e-mail consent makes a eligible");

    // The e-mails.
    String auth = "Basic " + Base64.getEncoder().encodeToString((WRITE + ":").getBytes(StandardCharsets.UTF_8));
    for (String id : List.of("both", "dane", "noads", "swede")) {
      Loopback.Answer r = send("POST", "/v1/track", auth, "{\"userId\": \"" + id + "\", \"messageId\": \"m-" + id + "\", \"event\": \"Order Completed\","
          + " \"properties\": {\"order_id\": \"o-" + id + "\", \"revenue\": 30}}");
      assertEquals(200, r.status(), r.toString());
    }
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (mail.getReceivedMessages().length < 3 && System.nanoTime() < until) {
      Thread.sleep(25);
    }
    Map<String, String> mails = new TreeMap<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      mails.put(m.getAllRecipients()[0].toString().replace("@example.com", ""), m.getSubject());
    }
    assertEquals(Map.of("both", "Aarhus days", "dane", "Danish week", "noads", "Aarhus days"), mails);
    until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (mailStep("swede").isEmpty() && System.nanoTime() < until) {
      Thread.sleep(25);
    }
    assertEquals(List.of("skipped:campaign: no campaign's e-mail is this person's"), mailStep("swede"));

    // The ad audiences.
    for (String c : List.of("a", "b")) {
      assertEquals("ok", admin("POST", "/admin/destinations/ads_" + c + "/sync", null).get("status").asText());
    }
    List<String> inA = ids(dir.resolve("ads/ads_a.csv"));
    List<String> inB = ids(dir.resolve("ads/ads_b.csv"));
    assertEquals(List.of("both"), inA);
    assertEquals(List.of("dane"), inB);

    // A withdrawal does not wait for the next reload: noads' e-mail consent was what made campaign a theirs.
    admin("PUT", "/admin/profiles/noads/consent", "{\"email_marketing\": false}");
    until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!admin("GET", "/admin/campaigns/of/noads", null).get("campaign").isNull() && System.nanoTime() < until) {
      Thread.sleep(25);
    }
    assertTrue(admin("GET", "/admin/campaigns/of/noads", null).get("campaign").isNull());
  }

  List<String> mailStep(String profileId) {
    return store.journeyLog().history("thanks", profileId).stream().filter(r -> r.step().equals("mail") && !r.outcome().equals("entered"))
        .map(r -> r.outcome() + ":" + r.reason()).toList();
  }

  static List<String> ids(Path csv) throws Exception {
    List<String> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv);
    for (String l : lines.subList(1, lines.size())) {
      out.add(l.split(",")[0]);
    }
    out.sort(null);
    return out;
  }

  @Test
  void campaignRoutes_badInput_clearErrorsNamingTheField() throws Exception {
    store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "256MB", 1, Map.of()));
    new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC()).save("danes", "country = \"DK\"", "");
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir));
    String auth = "Bearer " + ADMIN;
    Loopback.Answer r = send("PUT", "/admin/campaigns/x", auth, "{\"key\": \"x\", \"segment\": \"nobody\", \"email_template\": \"t\"}");
    assertEquals(400, r.status());
    assertTrue(r.toString().contains("segment: there is no saved segment 'nobody'"), r.toString());
    r = send("PUT", "/admin/campaigns/x", auth, "{\"key\": \"x\", \"segment\": \"danes\", \"priority\": 1.5, \"email_template\": \"t\"}");
    assertEquals(400, r.status());
    assertTrue(r.toString().contains("'priority' must be a whole number"), r.toString());
    r = send("PUT", "/admin/campaigns/y", auth, "{\"key\": \"x\", \"segment\": \"danes\", \"email_template\": \"t\"}");
    assertEquals(400, r.status());
    assertTrue(r.toString().contains("does not match the path"), r.toString());
    r = send("PUT", "/admin/campaigns/x", auth, "{\"key\": \"x\", \"segment\": \"danes\", \"web\": {\"placement\": \"nowhere\"}}");
    assertEquals(400, r.status());
    assertTrue(r.toString().contains("web.placement: there is no placement 'nowhere'"), r.toString());
    assertEquals(404, send("GET", "/admin/campaigns/x", auth, null).status());
    assertEquals(404, send("DELETE", "/admin/campaigns/x", auth, null).status());
    admin("PUT", "/admin/destinations/ads_x", "{\"key\": \"ads_x\", \"segment\": \"danes\", \"kind\": \"file\", \"campaign\": \"x\","
        + " \"settings\": {\"folder\": \"" + dir.resolve("o").toString().replace("\\", "/") + "\", \"format\": \"csv\"}}");
    admin("PUT", "/admin/campaigns/x", "{\"key\": \"x\", \"segment\": \"danes\", \"ad_destination\": \"ads_x\"}");
    r = send("DELETE", "/admin/campaigns/x", auth, null);
    assertEquals(409, r.status());
    assertTrue(r.toString().contains("ads_x"), r.toString());
    int status = send("GET", "/admin/campaigns", "Bearer " + WRITE, null).status();
    assertTrue(status == 401 || status == 403, "a write key opens no admin route: " + status);
  }
}
