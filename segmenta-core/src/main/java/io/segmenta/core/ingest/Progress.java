package io.segmenta.core.ingest;

/** Receives progress of long work: {@code done} of {@code total} (total -1 when unknown), and the current stage. */
@FunctionalInterface
public interface Progress {
  void update(String stage, long done, long total);

  Progress NONE = (stage, done, total) -> { };
}
