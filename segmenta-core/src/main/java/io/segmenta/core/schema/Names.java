package io.segmenta.core.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a name of a trait, property or event type may be: it becomes a SQL identifier, so the rule is strict. And how
 * a name a client sends (a Segment property or trait, an event's name) becomes one, or why it cannot:
 * <ol>
 *   <li>at most {@link #CLIENT_NAME_LIMIT} characters, no control characters, no broken Unicode (a lone surrogate);</li>
 *   <li>camelCase splits ({@code orderId} → {@code order_id}), letters are lower-cased (Locale.ROOT), accents
 *       dropped (NFKD, then the combining marks removed: {@code Café} → {@code cafe});</li>
 *   <li>a letter or digit outside a-z and 0-9 (CJK, ß, Cyrillic) becomes {@code u} and its code point in hex
 *       ({@code 价格} → {@code u4ef7_u683c}); every other run of characters becomes one {@code _}; leading and
 *       trailing {@code _} go;</li>
 *   <li>nothing left: refused ("has no letters or digits"); a leading digit gets {@code n_} ({@code 123} →
 *       {@code n_123});</li>
 *   <li>a reserved word ({@link #reserved}: the store's own columns, the rule language's words, SQL's reserved
 *       keywords) gets a trailing {@code _} ({@code seq} → {@code seq_}, {@code select} → {@code select_}),
 *       unless it is already a declared name (the standard schema's {@code values}, or one an older version
 *       declared);</li>
 *   <li>longer than 63 characters: the first 54, {@code _}, and 8 hex digits of the SHA-256 of the whole name.</li>
 * </ol>
 * The mapping is deterministic and idempotent (a mapped name maps to itself), so the same client name always lands
 * in the same place. Two client names of one message that map to the same name are the caller's to resolve.
 */
public final class Names {
  private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  /** Longest name a client may send, in UTF-16 units; longer is refused. */
  public static final int CLIENT_NAME_LIMIT = 256;
  /** Words of the rule language and columns of the store that a declared name must not shadow. */
  static final Set<String> RESERVED = Set.of("and", "or", "not", "in", "is", "true", "false", "null", "between",
      "exists", "missing", "contains", "starts", "ends", "with", "matches", "segment", "where", "last", "from", "to",
      "before", "after", "all", "any", "none", "pkey", "profile_id", "event_id", "type", "ts", "anonymous_id");
  /**
   * Names a client's name must not become, beyond {@link #RESERVED}: the store's columns and staging columns, the
   * rule language's other words, and DuckDB's reserved keywords ({@code SELECT keyword_name FROM duckdb_keywords()
   * WHERE keyword_category IN ('reserved', 'type_function', 'column_name')}, DuckDB 1.x).
   */
  private static final Set<String> CLIENT_RESERVED = clientReserved();

  private Names() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** Whether a client's name that maps to {@code name} must be moved aside (see the class comment). */
  public static boolean reserved(String name) {
    return CLIENT_RESERVED.contains(name);
  }

  /**
   * Steps 1-4 of the mapping: the snake_case form of a client's name, or an {@link IllegalArgumentException} saying
   * why there is none. Reserved words and length are left to {@link #safe}.
   */
  public static String snake(String raw) {
    if (raw == null) {
      throw new IllegalArgumentException("a name is required");
    }
    if (raw.length() > CLIENT_NAME_LIMIT) {
      throw new IllegalArgumentException("a name is at most " + CLIENT_NAME_LIMIT + " characters, got " + raw.length());
    }
    String bad = badCharacter(raw);
    if (bad != null) {
      throw new IllegalArgumentException("a name must not contain " + bad);
    }
    String split = CAMEL.matcher(raw.trim()).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    String plain = ascii(split) ? split : MARKS.matcher(Normalizer.normalize(split, Normalizer.Form.NFKD)).replaceAll("");
    StringBuilder out = new StringBuilder();
    boolean gap = false;
    for (int i = 0; i < plain.length(); ) {
      int cp = plain.codePointAt(i);
      i += Character.charCount(cp);
      if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
        if (gap && out.length() > 0) {
          out.append('_');
        }
        gap = false;
        out.appendCodePoint(cp);
      } else if (Character.isLetterOrDigit(cp)) {
        if (out.length() > 0) {
          out.append('_');
        }
        out.append('u').append(Integer.toHexString(cp));
        gap = true;
      } else {
        gap = true;
      }
    }
    if (out.length() == 0) {
      throw new IllegalArgumentException("the name '" + raw.strip() + "' has no letters or digits");
    }
    return Character.isDigit(out.charAt(0)) ? "n_" + out : out.toString();
  }

  /**
   * Steps 5-6: a snake_case name made safe to declare. {@code declared}: whether the name is already a declared
   * one (then it stays as it is, if valid).
   */
  public static String safe(String snake, boolean declared) {
    String s = snake;
    if (s.length() <= 63 && !CLIENT_RESERVED.contains(s) && isSnake(s)) {
      return s; // the common case, without a regular expression
    }
    if (declared && isValid(s)) {
      return s;
    }
    if (CLIENT_RESERVED.contains(s)) {
      s = s + "_";
    }
    if (s.length() > 63) {
      s = s.substring(0, 54).replaceAll("_+$", "") + "_" + sha256(s).substring(0, 8);
    }
    return s;
  }

  /** Control characters (U+0000-U+001F, U+007F-U+009F) and lone surrogates, named; null when {@code s} has none. */
  public static String badCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return String.format(Locale.ROOT, "the control character U+%04X", (int) c);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return String.format(Locale.ROOT, "a lone surrogate U+%04X (broken Unicode)", (int) c);
      }
      if (Character.isLowSurrogate(c)) {
        return String.format(Locale.ROOT, "a lone surrogate U+%04X (broken Unicode)", (int) c);
      }
    }
    return null;
  }

  /** What {@link #snake} makes: a-z first, then a-z, 0-9 and '_' (checked by hand: this runs for every field). */
  private static boolean isSnake(String s) {
    if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static Set<String> clientReserved() {
    Set<String> s = new HashSet<>(RESERVED);
    s.addAll(Set.of("id", "seq", "extras", "line_no", "event_type", "timestamp", "version", "size", "unknown", "of", "days",
        "since", "count", "sum", "avg", "min", "max"));
    s.addAll(Set.of(("all analyse analyze and anti any array as asc asof asymmetric at authorization between bigint binary bit boolean both"
        + " by case cast char character check coalesce collate collation column columns concurrently constraint create cross dec"
        + " decimal default deferrable desc describe distinct do else end except exists extract false fetch float for foreign"
        + " freeze from full generated glob group grouping grouping_id having ilike in initially inner inout int integer intersect"
        + " interval into is isnull join lambda lateral leading left like limit map national natural nchar none not notnull null"
        + " nullif numeric offset on only or order out outer overlaps overlay pivot pivot_longer pivot_wider placing position"
        + " positional precision primary qualify real references returning right row select semi setof show similar smallint some"
        + " struct substring summarize symmetric table tablesample then time timestamp to trailing treat trim true try_cast tuple"
        + " union unique unpack unpivot using values varchar variadic verbose when where window with xmlattributes xmlconcat"
        + " xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable").split(" ")));
    return Set.copyOf(s);
  }
}
