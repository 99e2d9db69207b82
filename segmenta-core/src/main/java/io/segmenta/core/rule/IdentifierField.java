package io.segmenta.core.rule;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A rule reads a profile's identifiers as the field {@code identifier.<kind>} ({@code identifier.email exists},
 * {@code identifier.phone missing}, {@code identifier.email matches "@gmail\\.com$"}): text, with every text operator.
 * A profile may hold several identifiers of one kind (after a merge, say), so a condition holds when it holds for
 * at least one of them; a profile with none is judged as a missing value, so {@code missing} holds there and every
 * comparison fails. Trait names cannot hold a dot, so the path never shadows a trait.
 */
public final class IdentifierField {
  public static final String PREFIX = "identifier.";
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private IdentifierField() {}

  /** True when the path starts with {@code identifier.}, well formed or not. */
  public static boolean is(String path) {
    return path.startsWith(PREFIX);
  }

  /** The kind a well-formed {@code identifier.<kind>} path names, or empty for any other path. */
  public static Optional<String> kind(String path) {
    if (!is(path)) {
      return Optional.empty();
    }
    String kind = path.substring(PREFIX.length());
    return KIND.matcher(kind).matches() ? Optional.of(kind) : Optional.empty();
  }
}
