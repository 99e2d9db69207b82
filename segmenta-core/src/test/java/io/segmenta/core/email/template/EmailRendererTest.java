package io.segmenta.core.email.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailRendererTest {
  final EmailRenderer renderer = new EmailRenderer();
  final EmailTemplate welcome = EmailRenderer.parse("""
      {"key": "after_purchase",
       "subject": "Hi {{ first_name }}, more for your {{ favourite_category | default(\\"gear\\") }}",
       "body": "<p>Hi {{ first_name }},</p>{% if segments contains \\"vip\\" %}<p>VIP early access</p>{% endif %}<ul>{% for item in recommendations %}<li>{{ item.product_id }} ({{ item.reason }})</li>{% endfor %}</ul><p>{{ orders }} orders</p>",
       "defaults": {"first_name": "there"},
       "recommendations": 2}
      """);

  static EmailRenderer.Recipient recipient(Map<String, Value> traits, List<String> segments) {
    return new EmailRenderer.Recipient("c-1", traits, segments, List.of(new Recommendations.Item("balls", 1, "bought together with driver"),
        new Recommendations.Item("tees", 0.5, "popular")));
  }

  @Test
  void render_fillsTraitsSegmentsAndRecommendations() {
    EmailRenderer.Email e = renderer.render(welcome, recipient(Map.of("first_name", new Value.Str("Ada"), "favourite_category", new Value.Str("golf"),
        "orders", new Value.Num(3)), List.of("vip")));
    assertEquals("Hi Ada, more for your golf", e.subject());
    assertEquals("<p>Hi Ada,</p><p>VIP early access</p><ul><li>balls (bought together with driver)</li><li>tees (popular)</li></ul><p>3 orders</p>", e.html());
    assertEquals(List.of(), e.defaulted());
  }

  @Test
  void render_missingValue_takesTheDefaultNotNothing() {
    EmailRenderer.Email e = renderer.render(welcome, recipient(Map.of("orders", new Value.Num(1)), List.of()));
    assertEquals("Hi there, more for your gear", e.subject());
    assertTrue(e.html().startsWith("<p>Hi there,</p><ul>"), e.html());
    assertEquals(List.of("first_name"), e.defaulted());
  }

  @Test
  void render_missingValueWithoutDefault_namesIt() {
    UserException x = assertThrows(UserException.class, () -> renderer.render(welcome, recipient(Map.of("first_name", new Value.Str("Ada")), List.of())));
    assertTrue(x.getMessage().startsWith("template 'after_purchase', body line 1: "), x.getMessage());
    assertTrue(x.getMessage().contains("orders") && x.getMessage().contains("give the template a default"), x.getMessage());
  }

  @Test
  void render_escapesHtmlInTheBodyAndLineBreaksInTheSubject() {
    EmailRenderer.Email e = renderer.render(welcome, recipient(Map.of("first_name", new Value.Str("<script>x</script>\r\nBcc: a@b.c"),
        "orders", new Value.Num(2)), List.of()));
    assertTrue(e.html().startsWith("<p>Hi &lt;script&gt;x&lt;/script&gt;"), e.html());
    assertEquals("Hi <script>x</script> Bcc: a@b.c, more for your gear", e.subject());
  }

  @Test
  void check_syntaxError_namesPartAndLine() {
    EmailTemplate bad = new EmailTemplate("bad", "ok", "line one\n{% if x %}no end", Map.of(), 0);
    UserException x = assertThrows(UserException.class, () -> renderer.check(bad));
    assertTrue(x.getMessage().startsWith("template 'bad', body line 2"), x.getMessage());
  }

  @Test
  void parse_unknownField_isAnError() {
    UserException x = assertThrows(UserException.class, () -> EmailRenderer.parse("{\"key\":\"a\",\"subject\":\"s\",\"body\":\"b\",\"from\":\"x\"}"));
    assertEquals("e-mail template field 'from' is unknown; known fields: [body, defaults, key, recommendations, subject]", x.getMessage());
  }

  @Test
  void render_manyRecipientsAndEditedTemplates_eachAsAFreshRenderer() {
    // Renders kept compiled (more templates than are kept, edited between renders) answer as a renderer that compiles anew.
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < EmailRenderer.KEPT + 10; k++) {
        EmailTemplate t = EmailRenderer.parse("{\"key\": \"t" + k + "\", \"subject\": \"S" + k + " {{ first_name }}\", \"body\": \"<p>" + k + " {{ first_name }}, round " + round + "</p>\"}");
        EmailRenderer.Recipient r = recipient(Map.of("first_name", new Value.Str("Ada" + k)), List.of());
        EmailRenderer.Email kept = renderer.render(t, r);
        assertEquals(new EmailRenderer().render(t, r), kept);
        assertEquals("<p>" + k + " Ada" + k + ", round " + round + "</p>", kept.html());
      }
    }
  }

  @Test
  void render_brokenTemplateTwice_namesTheProblemEachTime() {
    EmailTemplate broken = EmailRenderer.parse("{\"key\": \"broken\", \"subject\": \"Hi\", \"body\": \"<p>{% if %}</p>\"}");
    for (int i = 0; i < 2; i++) {
      UserException x = assertThrows(UserException.class, () -> renderer.render(broken, recipient(Map.of(), List.of())));
      assertTrue(x.getMessage().startsWith("template 'broken', body"), x.getMessage());
    }
  }
}
