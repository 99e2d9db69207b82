package io.segmenta.core.email;

import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a template can read about one profile, from the store: stored traits, computed traits at "now", the
 * saved segments it is in, and its recommendations. For previews and sends of a single profile; campaigns over a
 * segment read in bulk instead.
 */
public final class Recipients {
  private Recipients() {}

  /** The recipient, and whether its consent allows marketing e-mail (a preview shows it either way, and says so). */
  public record Lookup(EmailRenderer.Recipient recipient, boolean emailConsent) {}

  public static Lookup of(Catalog catalog, Profiles profiles, ConsentLedger consent, Definitions<SegmentDefinition> definitions, Scores scores, String profileId, Recommendations recs, int recommendations, Clock clock) {
    ProfileHistory h = profiles.history(profileId).orElseThrow(() -> new UserException("there is no profile '" + profileId + "'"));
    Segments saved = new Segments(catalog, definitions, scores, clock);
    Evaluator evaluator = Evaluator.strict(clock.instant(), saved.resolver());
    Map<String, Value> traits = new LinkedHashMap<>(h.profile().traits());
    for (Map.Entry<String, Measure> c : ComputedTraits.all().entrySet()) {
      Value v = evaluator.measure(c.getValue(), h);
      if (!v.isNull()) {
        traits.put(c.getKey(), v);
      }
    }
    List<String> segments = new ArrayList<>();
    // The rules as listed: looking each one up again by name was one query per saved segment.
    for (SegmentDefinition s : definitions.all()) {
      if (evaluator.matches(RuleText.parseRule(s.rule()), h)) {
        segments.add(s.name());
      }
    }
    List<Recommendations.Item> items = recommendations == 0 ? List.of() : recs.recommend(profileId, List.of(), recommendations);
    boolean allowed = ConsentPolicy.allows(consent.consents(profileId), Purpose.EMAIL_MARKETING);
    return new Lookup(new EmailRenderer.Recipient(profileId, traits, segments, items), allowed);
  }
}
