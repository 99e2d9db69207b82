package io.segmenta.server;

import io.segmenta.core.campaign.Arbitration;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.CampaignAudiences;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaign each known profile gets, for the decision API: computed for everyone at once by
 * {@link CampaignAudiences#winners}, the very function that fills campaigns' ad audiences, so the site and the ads
 * cannot disagree (journeys' e-mails ask the same {@link Arbitration} for one person at sending).
 *
 * <p>Why a snapshot: a decision must answer from memory, and the arbitration needs every campaign segment and every
 * consent purpose of a person, which the decision index does not hold. It is reloaded with the decisions (same
 * schedule) and whenever campaigns change; between reloads it only loses: a consent change, an erasure or an exit from
 * the winner's segment drops the person's campaign at once (a withdrawal must not wait), while a grant or an entry
 * takes effect at the next reload.
 */
final class CampaignChoices {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignChoices.class);

  private final Store store;
  private final Clock clock;
  private volatile Map<String, Campaign> winners = new ConcurrentHashMap<>();
  private volatile boolean loaded;

  CampaignChoices(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Recomputes every profile's campaign now. */
  synchronized void reload() {
    List<Campaign> all = store.campaignDefinitions().all();
    Map<String, Campaign> out = new ConcurrentHashMap<>();
    if (!all.isEmpty()) {
      Map<String, Campaign> byKey = new HashMap<>();
      all.forEach(c -> byKey.put(c.key(), c));
      Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
      Map<String, Set<String>> won = CampaignAudiences.winners(new Arbitration(all), store.audiences(), segments::ruleOf, clock.instant());
      won.forEach((campaign, profiles) -> profiles.forEach(p -> out.put(p, byKey.get(campaign))));
    }
    winners = out;
    loaded = true;
  }

  /** As {@link #reload}, logging a failure (the previous snapshot stays): run after each reload of the decisions. */
  void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      // The exception's class only: a rule's message can quote a value.
      LOG.warn("campaigns not reloaded, the previous choices stay: {}", e.getClass().getSimpleName());
    }
  }

  /** The campaign of a known profile, if any. */
  Optional<Campaign> of(String profileId) {
    if (!loaded) {
      reload();
    }
    return profileId == null ? Optional.empty() : Optional.ofNullable(winners.get(profileId));
  }

  /** Consent changes and erasures drop the person's campaign until the next reload decides again. */
  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.ConsentChanged c) {
      winners.remove(c.profileId());
    } else if (e instanceof ProfileEvent.Erased x) {
      x.profileIds().forEach(winners::remove);
    }
  }

  /** An exit from the segment of a person's campaign drops it at once. */
  void membership(List<MembershipChange> changes) {
    for (MembershipChange c : changes) {
      Campaign w = c.entered() ? null : winners.get(c.profileId());
      if (w != null && w.segment().equals(c.segment())) {
        winners.remove(c.profileId());
      }
    }
  }
}
