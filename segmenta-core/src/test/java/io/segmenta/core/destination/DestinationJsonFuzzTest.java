package io.segmenta.core.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.segmenta.core.UserException;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.json.CampaignJson;
import io.segmenta.core.destination.json.DestinationJson;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Destinations and campaigns arrive as JSON from the admin API and the CLI: mutations of valid definitions and a corpus
 * of odd ones give a definition that prints and reads back equal, or a {@link UserException}; nothing else.
 */
class DestinationJsonFuzzTest {
  static final List<String> VALID = List.of(
      "{\"key\": \"m\", \"segment\": \"trap\", \"kind\": \"meta\", \"exclusion\": true, \"every\": \"PT6H\","
          + " \"settings\": {\"audience_id\": \"1\", \"token_env\": \"T\"}}",
      "{\"key\": \"f\", \"segment\": \"vip\", \"kind\": \"file\", \"purpose\": \"analytics\", \"settings\": {\"folder\": \"/tmp/x\", \"format\": \"jsonl\"}}",
      "{\"key\": \"w\", \"segment\": \"vip\", \"kind\": \"webhook\", \"on_change\": true, \"settings\": {\"url\": \"http://x\", \"secret_env\": \"S\"}}");
  static final List<String> CORPUS = List.of("", "null", "[]", "{}", "{\"key\": 1}", "{\"key\": \"a\", \"kind\": \"fax\"}",
      "{\"key\": \"a\", \"segment\": \"s\", \"kind\": \"meta\", \"settings\": []}", "{\"key\": \"a\", \"segment\": \"s\", \"kind\": \"meta\","
          + " \"purpose\": \"email\", \"settings\": {\"audience_id\": \"1\", \"token_env\": \"T\"}}",
      "{\"key\": \"a\", \"segment\": \"s\", \"kind\": \"file\", \"settings\": {\"folder\": \"x\", \"format\": \"xls\"}}",
      "{\"key\": \"a\", \"segment\": \"s\", \"kind\": \"webhook\", \"every\": \"PT1S\", \"settings\": {\"url\": \"u\", \"secret_env\": \"S\"}}");
  static final Campaign WINTER = new Campaign("winter", "vip", 10, new Campaign.Web("home", "{\"h\":\"W\"}"), "winter_mail", "meta_winter", "");
  static final String INSERTS = "{}[],:\"\\ 0aPT";

  @Test
  void destinationJson_corpusAndSeededMutations() {
    CORPUS.forEach(s -> check(s, DestinationJsonFuzzTest::destination));
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 5_000; i++) {
      check(mutate(r, VALID.get(r.nextInt(VALID.size()))), DestinationJsonFuzzTest::destination);
      check(mutate(r, CampaignJson.print(WINTER)), DestinationJsonFuzzTest::campaign);
    }
  }

  @Test
  void destinationJson_validRoundTrips() {
    for (String v : VALID) {
      Destination d = DestinationJson.parse(v);
      assertEquals(d, DestinationJson.parse(DestinationJson.print(d)));
    }
    UserException e = null;
    try {
      DestinationJson.parse(CORPUS.get(7));
    } catch (UserException x) {
      e = x;
    }
    assertTrue(e != null && e.getMessage().contains("advertising"), String.valueOf(e));
  }

  private static void destination(String s) {
    Destination d = DestinationJson.parse(s);
    assertEquals(d, DestinationJson.parse(DestinationJson.print(d)));
  }

  private static void campaign(String s) {
    var c = CampaignJson.parse(s);
    assertEquals(CampaignJson.print(c), CampaignJson.print(CampaignJson.parse(CampaignJson.print(c))));
  }

  private static void check(String s, Consumer<String> parse) {
    try {
      parse.accept(s);
    } catch (UserException expected) {
      // a clear error is a right answer
    } catch (RuntimeException e) {
      fail("'" + s + "' threw " + e, e);
    }
  }

  private static String mutate(SplittableRandom r, String s) {
    StringBuilder b = new StringBuilder(s);
    for (int e = 1 + r.nextInt(4); e > 0 && b.length() > 0; e--) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(3)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, INSERTS.charAt(r.nextInt(INSERTS.length())));
        default -> b.delete(at, Math.min(b.length(), at + 1 + r.nextInt(8)));
      }
    }
    return b.toString();
  }
}
