package io.segmenta.core.port;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The consent ledger: every change of a profile's consent per purpose, as recorded. */
public interface ConsentLedger {

  /**
   * Records consent choices of a profile (creating the profile if new). A choice equal to the purpose's latest one
   * is not repeated, so the history holds changes only.
   */
  void recordConsent(String profileId, List<ConsentRecord> choices);

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
