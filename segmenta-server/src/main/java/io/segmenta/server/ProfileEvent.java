package io.segmenta.server;

import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.MergeRecord;
import java.util.List;
import java.util.Set;

/**
 * What happens to profiles, as {@link ProfileLifecycle} publishes it to the parts of the server that keep state
 * about them (the real-time feed, the decision API, webhooks; later journeys).
 */
sealed interface ProfileEvent {
  /** A tracking request's profiles and events are durable (journaled; the database follows). */
  record Written(Batch batch) implements ProfileEvent {}

  /** A person's consent choices were recorded, in the order given. */
  record ConsentChanged(String profileId, List<ConsentRecord> choices) implements ProfileEvent {
    public ConsentChanged {
      choices = List.copyOf(choices);
    }
  }

  /** Profiles found to be one person were merged (or refused, {@link MergeRecord#applied()} false). */
  record Merged(List<MergeRecord> merges) implements ProfileEvent {
    public Merged {
      merges = List.copyOf(merges);
    }
  }

  /**
   * A person is being erased: these profiles (every one merged with them) and their anonymous ids. Published before
   * the rows go, so that nothing is written back after, and again once they are gone, so that nothing read meanwhile
   * stays; subscribers forget, which is idempotent.
   */
  record Erased(Set<String> profileIds, Set<String> anonymousIds) implements ProfileEvent {
    public Erased {
      profileIds = Set.copyOf(profileIds);
      anonymousIds = Set.copyOf(anonymousIds);
    }
  }
}
