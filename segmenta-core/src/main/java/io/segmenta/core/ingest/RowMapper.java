package io.segmenta.core.ingest;

import io.segmenta.core.port.Batch;
import java.util.List;
import java.util.Map;

/** Turns rows into profiles and events, for one target of a {@link Mapping}. */
interface RowMapper {
  /** Takes a row; a bad cell throws {@link CellException}, and the row then contributes nothing. */
  void accept(SourceRow row);

  /** Everything accepted, as one batch. */
  Batch finish();

  /** Counts worth reporting, such as rows without a customer. */
  Map<String, Long> notes();

  /** Rows left out because they repeat an event already read from this file (the same id). */
  default long duplicateRows() {
    return 0;
  }

  /** A few of those rows, each naming its line and the line it repeats. */
  default List<String> duplicateExamples() {
    return List.of();
  }
}
