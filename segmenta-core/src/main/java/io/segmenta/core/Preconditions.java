package io.segmenta.core;

/** Argument checks whose messages are lower-case and name the bad value. */
public final class Preconditions {
  private Preconditions() {}

  public static void checkArgument(boolean expression, String template, Object... args) {
    if (!expression) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }

  public static <T> T requireNonNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }
}
