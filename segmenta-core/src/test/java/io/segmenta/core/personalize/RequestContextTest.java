package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.segmenta.core.value.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestContextTest {
  static Map<String, Value> traits(RequestContext c) {
    return c.traits(Intent.UNKNOWN, Interests.NONE, false);
  }

  @Test
  void traits_channelFromReferrerOrCampaign() {
    assertEquals(new Value.Str("search"), traits(new RequestContext("/", "https://www.google.co.uk/search?q=x", null, null, null, null, null)).get("channel"));
    assertEquals(new Value.Str("google"), traits(new RequestContext("/", "https://www.google.co.uk/", null, null, null, null, null)).get("traffic_source"));
    assertEquals(new Value.Str("social"), traits(new RequestContext("/", "https://l.facebook.com/", null, null, null, null, null)).get("channel"));
    assertEquals(new Value.Str("email"), traits(new RequestContext("/", null, "klaviyo", "Newsletter", "nov", null, null)).get("channel"));
    assertEquals(new Value.Str("paid"), traits(new RequestContext("/", "https://www.google.com/", "google", "cpc", null, null, null)).get("channel"));
    assertEquals(new Value.Str("direct"), traits(new RequestContext("/", null, null, null, null, null, null)).get("channel"));
    assertEquals(new Value.Str("referral"), traits(new RequestContext("/", "https://golfblog.example.org/post", null, null, null, null, null)).get("channel"));
  }

  @Test
  void traits_pageIsThePath() {
    Map<String, Value> t = traits(new RequestContext("https://shop.dk/golf/clubs?x=1", null, null, null, null, "Mobile", "golf_guide"));
    assertEquals(new Value.Str("/golf/clubs"), t.get("page"));
    assertEquals(new Value.Str("mobile"), t.get("device"));
    assertEquals(new Value.Str("golf_guide"), t.get("lead_magnet"));
    assertFalse(t.containsKey("referrer"));
  }
}
