package io.segmenta.core.port;

/**
 * A field of an accepted message that did not fit the schema and was kept in the event's extras instead of a
 * typed column (lenient tracking): which message ({@code index} in its batch, -1 for a single call), the event
 * type it belongs to ({@code identify} for traits), the field as the client named it
 * ({@code properties.price}), what the schema expected, and the value, shortened, as an example.
 */
public record Violation(int index, String eventType, String field, String expected, String example) {
  /** Longest example kept, in characters. */
  public static final int EXAMPLE_LIMIT = 100;

  public Violation {
    example = example == null ? "" : example.length() > EXAMPLE_LIMIT ? example.substring(0, EXAMPLE_LIMIT) + "…" : example;
  }
}
