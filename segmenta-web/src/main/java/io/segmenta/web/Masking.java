package io.segmenta.web;

import io.segmenta.web.auth.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one rule for personal data in the app: a viewer sees aggregates only, so every value that belongs to one person
 * (a profile id, an identifier, a trait's value, a recommendation made for someone) is shown masked to a viewer, and
 * marketers and admins see it as it is. Pages call {@link #of(Visit)} and pass each personal value through
 * {@link #personal(String)}; templates read {@code masked} from the layout to leave out what only makes sense unmasked
 * (such as a form that looks a person up).
 */
final class Masking {
  /** What a viewer sees in place of a personal value. */
  static final String MASK = "••••";

  private final boolean masked;

  private Masking(boolean masked) {
    this.masked = masked;
  }

  /** The rule for this visit's user. */
  static Masking of(Visit v) {
    return forRole(v.user().role());
  }

  static Masking forRole(Role role) {
    return new Masking(!role.atLeast(Role.MARKETER));
  }

  /** Whether personal values are hidden from this user. */
  boolean masked() {
    return masked;
  }

  /** A value that belongs to one person: itself, or {@link #MASK} for a viewer (null stays null). */
  String personal(String value) {
    return value == null || !masked ? value : MASK;
  }

  /** A person's values by name, each masked for a viewer. */
  Map<String, String> personal(Map<String, String> values) {
    if (!masked) {
      return values;
    }
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, x) -> out.put(k, x == null ? null : MASK));
    return out;
  }
}
