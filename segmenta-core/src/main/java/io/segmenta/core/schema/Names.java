package io.segmenta.core.schema;

import java.util.Set;
import java.util.regex.Pattern;

/** What a name of a trait, property or event type may be: it becomes a SQL identifier, so the rule is strict. */
public final class Names {
  private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  /** Words of the rule language and columns of the store that a declared name must not shadow. */
  static final Set<String> RESERVED = Set.of("and", "or", "not", "in", "is", "true", "false", "null", "between",
      "exists", "missing", "contains", "starts", "ends", "with", "matches", "segment", "where", "last", "from", "to",
      "before", "after", "all", "any", "none", "pkey", "profile_id", "event_id", "type", "ts", "anonymous_id");

  private Names() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
