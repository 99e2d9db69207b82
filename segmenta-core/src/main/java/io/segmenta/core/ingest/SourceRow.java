package io.segmenta.core.ingest;

import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One record of an input file: the line it starts on (1-based, counting the header) and its cells. Text formats
 * give every cell as text (or null when empty); typed formats give typed values.
 */
public record SourceRow(long line, List<Value> cells, String raw) {
  public SourceRow {
    cells = Collections.unmodifiableList(new ArrayList<>(cells));
  }
}
