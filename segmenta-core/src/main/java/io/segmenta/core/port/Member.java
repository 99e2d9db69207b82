package io.segmenta.core.port;

import io.segmenta.core.model.Identifier;
import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Map;

/** A member of a segment as exported: the profile id, its identifiers and the traits asked for. */
public record Member(String profileId, List<Identifier> identifiers, Map<String, Value> traits) {
  public Member {
    identifiers = List.copyOf(identifiers);
    traits = Map.copyOf(traits);
  }
}
