package io.segmenta.core.campaign;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link Arbitration} over every profile at once: for each campaign, the profiles it wins. What an ad-audience
 * destination bound to a campaign holds (and only that), so a person in two campaigns' segments is in exactly one of
 * their ad audiences. Membership and consent are read per campaign segment and purpose through the store's export,
 * which applies {@code core.consent.ConsentPolicy}; then each profile is decided by the same {@link Arbitration#decide}
 * the decision API calls for one person.
 */
public final class CampaignAudiences {
  private CampaignAudiences() {}

  /** The profile ids each campaign wins at {@code asOf}. */
  public static Map<String, Set<String>> winners(Arbitration arbitration, Audiences audiences, Function<String, Rule> rules, Instant asOf) {
    // profile -> segment name -> purposes allowed (only segments of campaigns, only purposes of their channels)
    Map<String, Map<String, Set<Purpose>>> seen = new HashMap<>();
    Map<String, Set<Purpose>> asked = new HashMap<>();
    for (Campaign c : arbitration.ranked()) {
      for (Campaign.Channel ch : c.channels()) {
        asked.computeIfAbsent(c.segment(), s -> new HashSet<>()).add(ch.purpose);
      }
    }
    asked.forEach((segment, purposes) -> {
      Rule rule = rules.apply(segment);
      for (Purpose p : purposes) {
        audiences.run(new AudienceQuery.Export(rule, asOf, List.of(), p, m -> seen.computeIfAbsent(m.profileId(), k -> new HashMap<>())
            .computeIfAbsent(segment, k -> new HashSet<>()).add(p)));
      }
    });
    Map<String, Set<String>> out = new HashMap<>();
    arbitration.ranked().forEach(c -> out.put(c.key(), new HashSet<>()));
    seen.forEach((profile, bySegment) -> {
      // In a segment when an export of it listed them (an export lists only who allows its purpose, and a campaign is
      // eligible only through a purpose asked of its segment); a purpose is allowed when any export of it listed them.
      Set<Purpose> allowed = new HashSet<>();
      bySegment.values().forEach(allowed::addAll);
      arbitration.decide(bySegment::containsKey, allowed::contains)
          .ifPresent(c -> out.get(c.key()).add(profile));
    });
    return out;
  }
}
