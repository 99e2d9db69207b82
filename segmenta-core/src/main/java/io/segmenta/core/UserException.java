package io.segmenta.core;

/**
 * A mistake in what the user gave: a rule that does not parse or type-check, an input file with bad rows, an
 * option out of range, a database already opened by another process. The message is complete on its own.
 */
public class UserException extends SegmentaException {
  private static final long serialVersionUID = 1L;

  public UserException(String message) {
    super(message);
  }

  public UserException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isUserError() {
    return true;
  }
}
