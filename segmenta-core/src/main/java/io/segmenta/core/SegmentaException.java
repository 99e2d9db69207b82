package io.segmenta.core;

/**
 * The one unchecked root of every error Segmenta raises on purpose. Its subtypes tell the user's mistakes
 * (a bad rule, a bad input file, a misconfiguration) from faults in the machinery, so that front ends can print
 * a user mistake as one clear line and never as a stack trace.
 */
public class SegmentaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SegmentaException(String message) {
    super(message);
  }

  public SegmentaException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True when the error was caused by what the user gave (input, rule, option) rather than by a fault. */
  public boolean isUserError() {
    return false;
  }
}
