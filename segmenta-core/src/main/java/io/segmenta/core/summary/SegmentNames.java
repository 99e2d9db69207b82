package io.segmenta.core.summary;

import java.text.Normalizer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Segment names made from data values ("Blue-collar", "Århus", "< 30"): accents dropped (NFKD, then the combining
 * marks removed), lower case, every run of other characters one '-', comparisons spelled out ("lt", "ge"), cut to the
 * 63 characters a name may have, and made unique among the names given by a numeric suffix. A value that leaves
 * nothing becomes "blank". Never refused: a marketer asked for one segment per group.
 */
public final class SegmentNames {
  private static final int MAX = 63;

  private final Set<String> taken;

  /** Names already used (saved segments, say), which new names avoid. */
  public SegmentNames(Collection<String> taken) {
    this.taken = new HashSet<>(taken);
  }

  /** A valid, unused name {@code prefix-part1-part2...}, and reserves it. */
  public String next(String prefix, String... parts) {
    StringBuilder sb = new StringBuilder(slug(prefix));
    for (String p : parts) {
      sb.append('-').append(slug(p));
    }
    String base = sb.length() > MAX ? sb.substring(0, MAX).replaceAll("-+$", "") : sb.toString();
    String name = base;
    for (int i = 2; !taken.add(name); i++) {
      String suffix = "-" + i;
      name = (base.length() + suffix.length() > MAX ? base.substring(0, MAX - suffix.length()) : base) + suffix;
    }
    return name;
  }

  /** One value as a name part. */
  public static String slug(String value) {
    String s = value == null ? "" : value.replace("<=", " le ").replace(">=", " ge ").replace("<", " lt ").replace(">", " gt ")
        .replace("%", " pct ").replace("&", " and ").replace("+", " plus ");
    s = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "").replace("ø", "o").replace("Ø", "o").replace("æ", "ae")
        .replace("Æ", "ae").replace("ß", "ss").replace("ł", "l").replace("đ", "d");
    s = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "-").replaceAll("^[-_]+|[-_]+$", "");
    if (s.isEmpty()) {
      return "blank";
    }
    return s.length() > MAX ? s.substring(0, MAX) : s;
  }
}
