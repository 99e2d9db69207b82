package io.segmenta.server;

import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.ConsentRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consent choices of a journal apply's records, written in as few {@link ConsentLedger#recordConsents} calls as
 * their order allows: one for all of them, unless a person's choices come in two records, when the second starts the
 * next write, so each write is what recording the records one after the other would do (the ledger takes one list per
 * person). One write per person capped the journal at a few dozen identifies with consent a second.
 */
final class ConsentWrites {
  private ConsentWrites() {}

  static void record(ConsentLedger ledger, List<JournalRecord> records) {
    Map<String, List<ConsentRecord>> write = new LinkedHashMap<>();
    for (JournalRecord r : records) {
      for (Map.Entry<String, List<ConsentRecord>> c : r.consents().entrySet()) {
        if (write.containsKey(c.getKey())) {
          ledger.recordConsents(write);
          write = new LinkedHashMap<>();
        }
        write.put(c.getKey(), c.getValue());
      }
    }
    ledger.recordConsents(write);
  }
}
