package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.personalize.Content;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.personalize.Personalizer;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.personalize.RequestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Personalization: the placements with their contents and rules; what a chosen profile (by its user id) or an
 * anonymous visitor sees in each, with the decision's reason and the rule that matched, decided by the same
 * {@link Personalization} the server's {@code /v1/personalize} serves (no exposure is recorded: a preview is not a
 * visit); and a profile's recommendations. For a viewer, the profile and what was chosen for it are masked
 * ({@link Masking}); an anonymous visitor's preview shows in full, since it belongs to nobody.
 */
final class PersonalizationPage {
  static final String PREVIEW_VISITOR = "segmenta-app-preview";

  private PersonalizationPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    List<Map<String, Object>> placements = new ArrayList<>();
    for (Placement p : v.store().placementDefinitions().all()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("key", p.key());
      row.put("description", p.description() == null ? "" : p.description());
      row.put("strategy", p.strategy().name().toLowerCase(Locale.ROOT).replace('_', ' '));
      List<Map<String, String>> contents = new ArrayList<>();
      for (Content c : p.contents()) {
        contents.add(Map.of("key", c.key(), "rule", c.rule().isEmpty() ? "everyone" : c.rule()));
      }
      row.put("contents", contents);
      row.put("fallback", p.fallback() == null ? "" : p.fallback().key());
      row.put("holdout", Numbers.percent(p.holdout()));
      row.put("experiment", p.experiment() == null ? "" : p.experiment());
      placements.add(row);
    }
    m.put("placements", placements);
    String who = v.ctx().queryParam("user");
    who = who == null ? "" : who.trim();
    String device = v.ctx().queryParam("device");
    device = device == null ? "" : device.trim();
    boolean asked = v.ctx().queryParam("preview") != null;
    m.put("who", who);
    m.put("device", device);
    m.put("devices", List.of("", "desktop", "mobile", "tablet"));
    m.put("asked", asked);
    m.put("loading", false);
    m.put("problem", "");
    m.put("outcome", Map.of());
    if (!asked) {
      return m;
    }
    Masking mask = Masking.of(v);
    if (!who.isEmpty() && mask.masked()) {
      m.put("problem", "a viewer sees aggregates only; preview an anonymous visitor, or ask a marketer to look up a profile");
      return m;
    }
    Personalization p = v.services().decisions().get();
    if (p == null) {
      m.put("loading", true);
      return m;
    }
    try {
      RequestContext rc = new RequestContext(null, null, null, null, null, device.isEmpty() ? null : device, null);
      Personalizer.Outcome o = p.decide(new Personalizer.Request(who.isEmpty() ? null : who, who.isEmpty() ? PREVIEW_VISITOR : null, rc,
          List.of(), null, List.of()), Instant.now());
      m.put("outcome", outcome(o, p, mask, who));
    } catch (UserException e) {
      m.put("problem", e.getMessage());
    }
    return m;
  }

  static Map<String, Object> outcome(Personalizer.Outcome o, Personalization p, Masking mask, String who) {
    Map<String, Object> m = new HashMap<>();
    m.put("profile", o.profileId() == null ? "anonymous visitor" : mask.personal(o.profileId()));
    m.put("known", o.known());
    m.put("personalized", o.personalized());
    m.put("intent", o.intent().label());
    m.put("interest", o.topInterest() == null ? "none yet" : mask.personal(o.topInterest()));
    List<Map<String, Object>> choices = new ArrayList<>();
    for (Personalizer.Choice c : o.choices()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("placement", c.placement());
      row.put("content", c.content());
      row.put("fallback", c.fallback());
      row.put("reason", c.reason());
      row.put("rule", c.rule() == null ? "" : c.rule());
      row.put("variant", c.variant() == null ? "" : c.variant());
      List<String> items = new ArrayList<>();
      for (Recommendations.Item i : c.items()) {
        items.add(mask.personal(i.productId()));
      }
      row.put("items", String.join(", ", items));
      choices.add(row);
    }
    m.put("choices", choices);
    List<Map<String, String>> recs = new ArrayList<>();
    if (o.profileId() != null) {
      for (Recommendations.Item i : p.recommendations().recommend(o.profileId(), List.of(), 10)) {
        recs.add(Map.of("product", mask.personal(i.productId()), "score", Numbers.ratio(i.score()), "reason", mask.personal(i.reason())));
      }
    }
    m.put("recommendations", recs);
    return m;
  }
}
