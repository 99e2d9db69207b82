package io.segmenta.core.rule;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name a mistyped one most likely meant, for "did you mean" hints on traits, event types, properties and
 * segment names. Why: a typo is mostly one or two slips (a wrong, missing, extra or swapped letter), which is what
 * the optimal-string-alignment distance counts (Damerau 1964, "A technique for computer detection and correction
 * of spelling errors"; Boytsov 2011 on the restricted variant). A hint is given only when the nearest name is
 * within two such edits, and closer than the name is long, so that short unrelated names are not offered; ties go
 * to the first candidate in the order given, so hints are stable.
 */
public final class NearestName {
  private NearestName() {}

  /** The candidate nearest to {@code name}, if one is close enough to be a likely typo. */
  public static Optional<String> of(String name, Collection<String> candidates) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    String needle = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Math.min(3, needle.length());
    for (String c : candidates) {
      if (c.equals(name)) {
        continue;
      }
      int d = distance(needle, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /** " (did you mean 'x'?)" when a candidate is near, otherwise the empty string; for appending to a message. */
  public static String hint(String name, Collection<String> candidates) {
    return of(name, candidates).map(b -> " (did you mean '" + b + "'?)").orElse("");
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent letters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
