package io.segmenta.core.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.campaign.json.CampaignJson;
import io.segmenta.core.privacy.Purpose;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArbitrationTest {
  static final Campaign WINTER = new Campaign("winter", "vip", 10, new Campaign.Web("home", "{\"headline\":\"Winter\"}"), "winter_mail", "meta_winter", "");
  static final Campaign WELCOME = new Campaign("welcome", "new", 5, new Campaign.Web("home", "{\"headline\":\"Hi\"}"), "welcome_mail", "meta_welcome", "");
  static final Campaign ADS_ONLY = new Campaign("ads_only", "vip", 20, null, null, "meta_ads", "");

  @Test
  void decide_twoSegments_highestPriorityTheirConsentAllows() {
    Arbitration a = new Arbitration(List.of(WELCOME, WINTER));
    Set<String> segments = Set.of("vip", "new");
    assertEquals(Optional.of(WINTER), a.decide(segments::contains, p -> true));
    // The same answer whatever channel asks: the web shows winter's content, ads hold winter's audience only.
    assertEquals(Optional.of(WINTER), a.forChannel(Campaign.Channel.WEB, segments::contains, p -> true));
    assertEquals(Optional.of(WINTER), a.forChannel(Campaign.Channel.ADS, segments::contains, p -> true));
  }

  @Test
  void decide_campaignConsentNeverAllows_fallsToTheNext() {
    Arbitration a = new Arbitration(List.of(WINTER, ADS_ONLY));
    Set<String> segments = Set.of("vip");
    assertEquals(Optional.of(WINTER), a.decide(segments::contains, p -> p != Purpose.ADVERTISING));
    // A channel the person refused shows nothing rather than another campaign.
    assertEquals(Optional.empty(), a.forChannel(Campaign.Channel.ADS, segments::contains, p -> p != Purpose.ADVERTISING));
    assertEquals(Optional.of(ADS_ONLY), a.decide(segments::contains, p -> true));
  }

  @Test
  void decide_equalPriorities_byKey() {
    Campaign b = new Campaign("b", "s", 1, null, "m", null, "");
    Campaign a1 = new Campaign("a", "s", 1, null, "m", null, "");
    assertEquals("a", new Arbitration(List.of(b, a1)).decide(s -> true, p -> true).orElseThrow().key());
  }

  @Test
  void json_roundTrips_andNamesBadFields() {
    String text = CampaignJson.print(WINTER);
    assertEquals(WINTER.key(), CampaignJson.parse(text).key());
    assertEquals(text, CampaignJson.print(CampaignJson.parse(text)));
    UserException e = assertThrows(UserException.class, () -> CampaignJson.parse("{\"key\": \"x\", \"segment\": \"s\", \"prio\": 1}"));
    assertTrue(e.getMessage().contains("'prio'"), e.getMessage());
    e = assertThrows(UserException.class, () -> CampaignJson.parse("{\"key\": \"x\", \"segment\": \"s\", \"priority\": 1.5, \"email_template\": \"t\"}"));
    assertTrue(e.getMessage().contains("priority"), e.getMessage());
  }
}
