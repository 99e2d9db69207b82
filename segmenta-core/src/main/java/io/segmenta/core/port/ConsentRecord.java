package io.segmenta.core.port;

import io.segmenta.core.privacy.Purpose;
import java.time.Instant;
import java.util.Objects;

/** One recorded choice: a purpose granted or withdrawn, when, and where the choice came from. */
public record ConsentRecord(Purpose purpose, boolean granted, Instant at, String source) {
  public ConsentRecord {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
  }
}
