package io.segmenta.core.port;

/**
 * What a write changed. Events already stored (same id) are counted as duplicates and change nothing, which makes
 * re-importing a file or retrying a delivery safe.
 */
public record WriteResult(long profilesCreated, long profilesUpdated, long eventsWritten, long eventsDuplicate,
    long linesWritten) {
  public static final WriteResult NONE = new WriteResult(0, 0, 0, 0, 0);

  public WriteResult plus(WriteResult o) {
    return new WriteResult(profilesCreated + o.profilesCreated, profilesUpdated + o.profilesUpdated,
        eventsWritten + o.eventsWritten, eventsDuplicate + o.eventsDuplicate, linesWritten + o.linesWritten);
  }
}
