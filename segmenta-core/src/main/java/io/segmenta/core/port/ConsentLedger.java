package io.segmenta.core.port;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The consent ledger: every change of a profile's consent per purpose, as recorded. */
public interface ConsentLedger {

  /**
   * Records consent choices of a profile (creating the profile if new). A choice equal to the purpose's latest one
   * is not repeated, so the history holds changes only ({@code ConsentPolicy.changes}). A batch of one
   * ({@link #recordConsents}).
   */
  default void recordConsent(String profileId, List<ConsentRecord> choices) {
    recordConsents(Map.of(profileId, choices));
  }

  /**
   * Records the consent choices of many profiles in one write, each profile's as {@link #recordConsent} records them
   * (a new profile created; a choice equal to its purpose's latest one not repeated), and all of them or, when the
   * write fails, none: the tracking journal applies thousands of identifies' consents at once, and a write per person
   * capped it at a few dozen a second. A profile given no choice is left alone.
   */
  void recordConsents(Map<String, List<ConsentRecord>> choices);

  /** A profile's consent history, oldest first. */
  List<ConsentRecord> consents(String profileId);

  /**
   * The consent histories of many profiles, oldest first each, read together (a profile with none maps to an empty
   * list). The default reads one by one.
   */
  default Map<String, List<ConsentRecord>> consents(Collection<String> profileIds) {
    Map<String, List<ConsentRecord>> out = new HashMap<>();
    for (String id : profileIds) {
      out.put(id, consents(id));
    }
    return out;
  }
}
