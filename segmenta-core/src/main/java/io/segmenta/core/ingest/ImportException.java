package io.segmenta.core.ingest;

import io.segmenta.core.UserException;
import java.util.List;

/** An input that was refused as a whole; nothing of it was written. Lists the first problems found. */
public final class ImportException extends UserException {
  private static final long serialVersionUID = 1L;
  static final int SHOWN = 10;

  private final transient List<ImportError> errors;
  private final long total;

  public ImportException(String file, List<ImportError> errors, long total) {
    super(message(file, errors, total));
    this.errors = List.copyOf(errors);
    this.total = total;
  }

  /** A problem with the file itself (cannot be read, bad encoding, broken quoting). */
  public ImportException(ImportError error) {
    this(error.file(), List.of(error), 1);
  }

  public List<ImportError> errors() {
    return errors;
  }

  public long total() {
    return total;
  }

  private static String message(String file, List<ImportError> errors, long total) {
    StringBuilder sb = new StringBuilder();
    if (total == 1 && errors.size() == 1) {
      sb.append(errors.get(0)).append("\nnothing was imported from ").append(file);
      return sb.toString();
    }
    sb.append(file).append(": ").append(total).append(total == 1 ? " row is" : " rows are").append(" bad, so nothing was imported");
    for (int i = 0; i < Math.min(SHOWN, errors.size()); i++) {
      sb.append("\n  ").append(errors.get(i));
    }
    if (total > SHOWN) {
      sb.append("\n  ... and ").append(total - SHOWN).append(" more");
    }
    sb.append("\nfix the file, or import the good rows with --skip-bad-rows (bad rows go to a reject file)");
    return sb.toString();
  }
}
