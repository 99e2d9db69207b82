package io.segmenta.core.ingest;

/** A bad cell: which column, and what was expected. Internal to the mappers. */
final class CellException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final String column;

  CellException(String column, String message) {
    super(message, null, false, false);
    this.column = column;
  }
}
