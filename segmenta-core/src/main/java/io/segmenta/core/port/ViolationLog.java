package io.segmenta.core.port;

import java.time.Instant;
import java.util.List;

/** Fields sources sent that did not fit the schema (lenient tracking), counted per source, type and field. */
public interface ViolationLog {

  /**
   * Counts fields a source sent that did not fit the schema and were kept in their events' extras (lenient
   * tracking): per source, event type, field and expected type, with the latest example and when first and last seen.
   */
  default void recordViolations(String source, List<Violation> violations, Instant at) {
    recordViolations(source, violations, at, null);
  }

  /**
   * As {@link #recordViolations(String, List, Instant)}, counted once per {@code batch} (a key the caller derives from
   * what it records, e.g. a journal record): the same batch recorded again, as a replay after a crash does, changes
   * nothing. Null: no such check.
   */
  void recordViolations(String source, List<Violation> violations, Instant at, String batch);

  /** The violation counts, most frequent first, of one source or (null) of all. */
  List<ViolationCount> violations(String source, int limit);
}
