package io.segmenta.core.ingest;

import io.segmenta.core.port.WriteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an import read, accepted, rejected and wrote, and anything worth knowing about the file.
 * {@code duplicateRows} are accepted rows left out because an earlier row of the same file had their event id
 * ({@code duplicateExamples} names a few by line); events already stored by an earlier import are
 * {@code written().eventsDuplicate()}.
 */
public record ImportReport(String file, long rows, long accepted, long rejected, List<ImportError> firstErrors,
    Path rejectFile, WriteResult written, Map<String, Long> notes, Duration took, long duplicateRows,
    List<String> duplicateExamples) {
  public ImportReport {
    firstErrors = List.copyOf(firstErrors);
    notes = Map.copyOf(notes);
    duplicateExamples = List.copyOf(duplicateExamples);
  }
}
