package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.campaign.Arbitration;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.CampaignAudiences;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.web.auth.Role;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Campaigns pages over HTTP on loopback, on a real store (a generated shop of 300 customers, two saved segments)
 * served by a real server: the list in arbitration's order with the people each campaign wins, one campaign's page,
 * the add form's mistakes beside their fields, removal refused while a destination is bound, roles and CSRF.
 */
class CampaignsPageTest {
  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(300).saved(List.of("students", "travellers")).with(store -> {
    store.placementDefinitions().save(PlacementJson.parse("{\"key\": \"home_banner\", \"strategy\": \"first_match\", \"contents\": [],"
        + " \"fallback\": {\"key\": \"default\", \"payload\": {\"headline\": \"New season\"}}}"));
    // E-mail consent for every customer, so the e-mail campaigns below win people (the generated shop records none).
    Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      consents.put(String.format("c%07d", i), List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, Instant.parse("2025-01-01T00:00:00Z"), "test")));
    }
    store.consent().recordConsents(consents);
  }).user("rae", Role.MARKETER, "marketer password 1").user("vic", Role.VIEWER, "viewer password 1");

  @Test
  void add_marketerSavesTwoCampaigns_listInArbitrationOrderWithWins() throws Exception {
    HttpResponse<String> low = WEB.post(WEB.session("rae"), "/campaigns/new", Map.of("key", "students-mail", "segment", "students", "priority", "1",
        "email_template", "welcome", "description", "the students' welcome"));
    assertEquals(303, low.statusCode(), low.body());
    assertEquals("/campaigns/students-mail", low.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> high = WEB.post(WEB.session("rae"), "/campaigns/new", Map.of("key", "students-web", "segment", "students", "priority", "9",
        "web_placement", "home_banner", "web_payload", "{\"headline\": \"Student days\"}", "email_template", "student_days"));
    assertEquals(303, high.statusCode(), high.body());
    Campaign saved = WEB.store().campaignDefinitions().find("students-web").orElseThrow();
    assertEquals("{\"headline\":\"Student days\"}", saved.web().payload());

    Segments segments = WEB.segments();
    Map<String, Set<String>> won = CampaignAudiences.winners(new Arbitration(WEB.store().campaignDefinitions().all()), WEB.store().audiences(),
        segments::ruleOf, Clock.systemUTC().instant());
    String list = WEB.get(WEB.session("vic"), "/campaigns").body();
    assertTrue(list.contains("id=\"campaigns\""), list);
    assertTrue(list.indexOf("href=\"/campaigns/students-web\"") < list.indexOf("href=\"/campaigns/students-mail\""), "higher priority first");
    assertTrue(won.getOrDefault("students-web", Set.of()).size() > 0, "the students' e-mail campaign wins the students: " + won);
    for (String k : List.of("students-web", "students-mail")) {
      assertEquals(List.of(Numbers.count(won.getOrDefault(k, Set.of()).size())),
          matches(list, "href=\"/campaigns/" + k + "\">" + k + "</a>.*?<td class=\"wins\">([^<]+)<"), list);
    }
    assertEquals(Set.of(), won.getOrDefault("students-mail", Set.of()), "the higher-priority campaign of the same segment takes everyone");
    assertTrue(won.getOrDefault("students-mail", Set.of()).stream().noneMatch(won.getOrDefault("students-web", Set.of())::contains),
        "one campaign per person");
    assertFalse(list.contains("id=\"add-campaign\""), "a viewer reads only");

    String page = WEB.get(WEB.session("vic"), "/campaigns/students-web").body();
    assertTrue(page.contains("id=\"rank\">1 of 2 (priority 9)<"), page);
    assertTrue(page.contains("home_banner") && page.contains("student_days"), page);
    assertFalse(page.contains("id=\"remove-campaign\""), "a viewer may not remove");
    assertTrue(WEB.get(WEB.session("rae"), "/campaigns/students-web").body().contains("id=\"remove-campaign\""));
    HttpResponse<String> missing = WEB.get(WEB.session("vic"), "/campaigns/nowhere");
    assertEquals(400, missing.statusCode(), missing.body());
    assertTrue(missing.body().contains("there is no campaign named &#39;nowhere&#39;"), missing.body());
    assertFalse(missing.body().contains("Exception"), "no stack trace");
  }

  @Test
  void add_badFields_eachMistakeBesideItsField() throws Exception {
    assertEquals(403, WEB.get(WEB.session("vic"), "/campaigns/new").statusCode(), "a viewer may not add campaigns");
    assertEquals(403, WEB.post(WEB.session("vic"), "/campaigns/new", Map.of("key", "v", "segment", "students", "email_template", "t")).statusCode());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("key", "bad1");
    form.put("segment", "students");
    form.put("priority", "1.5");
    form.put("web_placement", "home_banner");
    form.put("web_payload", "{not json");
    HttpResponse<String> r = WEB.post(WEB.session("rae"), "/campaigns/new", form);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("the campaign was not saved: 2 fields need attention"), r.body());
    assertTrue(r.body().contains("id=\"error-priority\">&#39;priority&#39; must be a whole number, got 1.5<"), r.body());
    assertTrue(r.body().contains("id=\"error-web_payload\">web.payload must be JSON"), r.body());
    HttpResponse<String> noSegment = WEB.post(WEB.session("rae"), "/campaigns/new", Map.of("key", "bad2", "segment", "nobody", "email_template", "t"));
    assertEquals(400, noSegment.statusCode(), noSegment.body());
    assertTrue(noSegment.body().contains("id=\"error-segment\">segment: there is no saved segment &#39;nobody&#39;<"), noSegment.body());
    HttpResponse<String> noChannel = WEB.post(WEB.session("rae"), "/campaigns/new", Map.of("key", "bad3", "segment", "students"));
    assertTrue(noChannel.body().contains("id=\"error-form\">campaign bad3 needs a variant for at least one channel"), noChannel.body());
    HttpResponse<String> badKey = WEB.post(WEB.session("rae"), "/campaigns/new", Map.of("key", "Bad Key", "segment", "students", "email_template", "t"));
    assertTrue(badKey.body().contains("id=\"error-key\">campaign key must be lower-case letters"), badKey.body());
    assertTrue(WEB.store().campaignDefinitions().all().stream().noneMatch(c -> c.key().startsWith("bad")), "nothing was saved");
    HttpResponse<String> noCsrf = WEB.send("/campaigns/new", WEB.session("rae").cookie(), Map.of("key", "nocsrf", "segment", "students", "email_template", "t"));
    assertEquals(403, noCsrf.statusCode(), noCsrf.body());
    assertTrue(WEB.store().campaignDefinitions().find("nocsrf").isEmpty());
  }

  @Test
  void remove_boundCampaignRefusedWithTheApisMessage_unboundRemoved() throws Exception {
    assertEquals(303, WEB.post(WEB.session("rae"), "/campaigns/new", Map.of("key", "travel-ads", "segment", "travellers", "email_template", "t")).statusCode());
    WEB.store().destinationDefinitions().save(new Destination("travel-file", "travellers", Destination.Kind.FILE,
        Map.of("folder", WEB.dir().resolve("out").toString(), "format", "csv"), null, false, null, false, "travel-ads"));
    assertEquals(403, WEB.post(WEB.session("vic"), "/campaigns/travel-ads/remove", Map.of()).statusCode(), "a viewer may not remove");
    HttpResponse<String> refused = WEB.post(WEB.session("rae"), "/campaigns/travel-ads/remove", Map.of());
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("campaign &#39;travel-ads&#39; is the ad audience of destination travel-file; remove or rebind it first"),
        refused.body());
    assertTrue(WEB.store().campaignDefinitions().find("travel-ads").isPresent());
    WEB.store().destinationDefinitions().delete("travel-file");
    HttpResponse<String> removed = WEB.post(WEB.session("rae"), "/campaigns/travel-ads/remove", Map.of());
    assertEquals(303, removed.statusCode(), removed.body());
    assertEquals("/campaigns", removed.headers().firstValue("Location").orElseThrow());
    assertTrue(WEB.store().campaignDefinitions().find("travel-ads").isEmpty());
  }

  static List<String> matches(String html, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(html);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
