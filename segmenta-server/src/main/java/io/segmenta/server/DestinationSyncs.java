package io.segmenta.server;

import io.segmenta.core.campaign.Arbitration;
import io.segmenta.core.campaign.CampaignAudiences;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Composes {@link Syncs} over a store for the CLI and the server: segments by name, the store's sync state and
 * history, channels from {@link Channels}, and the campaign gate: a destination bound to a campaign holds only the
 * profiles {@link CampaignAudiences} says that campaign wins (the same {@link Arbitration} the decision API asks).
 */
public final class DestinationSyncs {
  private DestinationSyncs() {}

  public static Syncs of(Store s, Clock clock, BiConsumer<Path, Path> csvToParquet) {
    Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), clock);
    return new Syncs(s.audiences(), segments::ruleOf, s.syncState(), s.destinationRuns(), new Channels(System::getenv, csvToParquet, clock),
        d -> gate(s, segments, d, clock), clock, d -> Thread.sleep(d.toMillis()));
  }

  private static Predicate<String> gate(Store s, Segments segments, Destination d, Clock clock) {
    if (d.campaign() == null) {
      return id -> true;
    }
    Arbitration a = new Arbitration(s.campaignDefinitions().all());
    Set<String> wins = CampaignAudiences.winners(a, s.audiences(), segments::ruleOf, clock.instant()).getOrDefault(d.campaign(), Set.of());
    return wins::contains;
  }
}
