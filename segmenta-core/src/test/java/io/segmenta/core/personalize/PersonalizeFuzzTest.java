package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.segmenta.core.UserException;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The parsers of this feature take input from marketers and web pages: placements (JSON), e-mail templates (JSON
 * and Pebble) and page URLs. None may throw anything but its own clear error, whatever it is given: random
 * characters, token soup, and mutations of valid input. What does parse must print and parse back equal.
 */
class PersonalizeFuzzTest {
  static final String PLACEMENT = PersonalizerTest.golden();
  static final String TEMPLATE = "{\"key\": \"t\", \"subject\": \"Hi {{ first_name | default(\\\"there\\\") }}\","
      + " \"body\": \"{% if segments contains \\\"vip\\\" %}<b>{{ orders }}</b>{% endif %}{% for i in recommendations %}{{ i.product_id }}{% endfor %}\","
      + " \"defaults\": {\"orders\": \"0\"}, \"recommendations\": 2}";
  static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"key\"", "\"contents\"", "\"fallback\"", "\"rule\"", "\"score\"",
      "\"payload\"", "\"strategy\"", "\"holdout\"", "\"experiment\"", "\"recommendations\"", "\"first_match\"", "\"x\"", "1", "-1", "0.9",
      "null", "true", "\"segment vip\"", "\"a = \\\"\"", "\"subject\"", "\"body\"", "\"defaults\"", "\"{{ x }}\"", "\"{% if %}\""};

  static final String INSERTS = "{}[],:\"\\ 0a%";

  static String mutate(SplittableRandom r, String s) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(3)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, INSERTS.charAt(r.nextInt(INSERTS.length())));
        default -> {
          int to = Math.min(b.length(), at + 1 + r.nextInt(8));
          b.delete(at, to);
        }
      }
    }
    return b.toString();
  }

  static String soup(SplittableRandom r) {
    StringBuilder b = new StringBuilder();
    int n = 1 + r.nextInt(25);
    for (int i = 0; i < n; i++) {
      b.append(JSON_TOKENS[r.nextInt(JSON_TOKENS.length)]);
    }
    return b.toString();
  }

  static String chars(SplittableRandom r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(40);
    for (int i = 0; i < n; i++) {
      b.append((char) (r.nextInt(3) == 0 ? r.nextInt(0x3000) : 32 + r.nextInt(95)));
    }
    return b.toString();
  }

  @Test
  void placementParse_neverThrowsAnythingElse() {
    SplittableRandom r = new SplittableRandom(20261122);
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      String input = switch (i % 3) {
        case 0 -> chars(r);
        case 1 -> soup(r);
        default -> mutate(r, PLACEMENT);
      };
      try {
        Placement p = PlacementJson.parse(input);
        assertEquals(p, PlacementJson.parse(PlacementJson.print(p)), input);
        parsed++;
      } catch (UserException expected) {
        // a clear error naming the field
      } catch (RuntimeException e) {
        fail("input " + input + " threw " + e, e);
      }
    }
    assertTrue(parsed > 50, "the fuzzer should also produce valid placements, got " + parsed);
  }

  @Test
  void templateParseAndRender_neverThrowAnythingElse() {
    SplittableRandom r = new SplittableRandom(7);
    EmailRenderer renderer = new EmailRenderer();
    EmailRenderer.Recipient who = new EmailRenderer.Recipient("c-1", Map.of("first_name", new Value.Str("Ada"), "orders", new Value.Num(2)),
        List.of("vip"), List.of(new Recommendations.Item("p1", 1, "popular")));
    int rendered = 0;
    for (int i = 0; i < 5_000; i++) {
      String input = i % 2 == 0 ? soup(r) : mutate(r, TEMPLATE);
      try {
        EmailTemplate t = EmailRenderer.parse(input);
        renderer.render(t, who);
        rendered++;
      } catch (UserException expected) {
        // a clear error naming the template, the part and the line
      } catch (RuntimeException e) {
        fail("input " + input + " threw " + e, e);
      }
    }
    assertTrue(rendered > 50, "the fuzzer should also render valid templates, got " + rendered);
  }

  @Test
  void clickFromUrl_neverThrows() {
    SplittableRandom r = new SplittableRandom(99);
    for (int i = 0; i < 20_000; i++) {
      String url = i % 2 == 0 ? chars(r) : mutate(r, "https://shop.dk/tilbud/golf?sort=price&q=driver#top");
      try {
        Click.Kind.fromUrl(url);
        RequestContext c = new RequestContext(url, url, null, url, null, url, null);
        c.traits(Intent.UNKNOWN, Interests.NONE, false);
        Click.of(Instant.EPOCH, null, url, null, null);
      } catch (RuntimeException e) {
        fail("url " + url + " threw " + e, e);
      }
    }
  }
}
