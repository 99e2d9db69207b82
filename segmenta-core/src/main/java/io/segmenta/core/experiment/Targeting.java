package io.segmenta.core.experiment;

import io.segmenta.core.rule.Rule;

/**
 * Who is eligible: members of a saved segment (decided on the profile, with the segment language's own semantics),
 * and/or units whose attributes meet a condition (decided as GrowthBook's SDKs decide {@code condition}). Either may
 * be null; with both null everyone is eligible.
 */
public record Targeting(String segment, Rule condition) {
  public static final Targeting EVERYONE = new Targeting(null, null);
}
