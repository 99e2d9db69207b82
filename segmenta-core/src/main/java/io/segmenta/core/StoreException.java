package io.segmenta.core;

/** A fault in a storage adapter (I/O, the database engine) that the user did not cause. */
public class StoreException extends SegmentaException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
