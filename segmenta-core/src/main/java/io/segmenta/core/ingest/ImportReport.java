package io.segmenta.core.ingest;

import io.segmenta.core.port.WriteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What an import read, accepted, rejected and wrote, and anything worth knowing about the file. */
public record ImportReport(String file, long rows, long accepted, long rejected, List<ImportError> firstErrors,
    Path rejectFile, WriteResult written, Map<String, Long> notes, Duration took) {
  public ImportReport {
    firstErrors = List.copyOf(firstErrors);
    notes = Map.copyOf(notes);
  }
}
