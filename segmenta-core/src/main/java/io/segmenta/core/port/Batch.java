package io.segmenta.core.port;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import java.util.List;

/** Profiles and events written together: all of them, or (on any failure) none. */
public record Batch(List<Profile> profiles, List<Event> events) {
  public Batch {
    profiles = List.copyOf(profiles);
    events = List.copyOf(events);
  }

  public boolean isEmpty() {
    return profiles.isEmpty() && events.isEmpty();
  }
}
