package io.segmenta.core.port;

import java.util.List;

/**
 * What an erasure removed: the profiles (the one asked for and every profile merged into it or it into, including a
 * merged-away id that came back), and how many events, order lines and identifiers went with them.
 */
public record Erasure(List<String> profileIds, long events, long orderLines, long identifiers) {
  public Erasure {
    profileIds = List.copyOf(profileIds);
  }
}
