package io.segmenta.core.ingest;

/** A problem with one row: where it is (file, line, column) and what was expected there. */
public record ImportError(String file, long line, String column, String message) {
  @Override
  public String toString() {
    return file + ":" + line + (column == null ? "" : ", column " + column) + ": " + message;
  }
}
