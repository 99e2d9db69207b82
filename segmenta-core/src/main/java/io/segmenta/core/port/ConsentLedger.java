package io.segmenta.core.port;

import java.util.List;

/** The consent ledger: every change of a profile's consent per purpose, as recorded. */
public interface ConsentLedger {

  /**
   * Records consent choices of a profile (creating the profile if new). A choice equal to the purpose's latest one
   * is not repeated, so the history holds changes only.
   */
  void recordConsent(String profileId, List<ConsentRecord> choices);

  /** A profile's consent history, oldest first. */
  List<ConsentRecord> consents(String profileId);
}
