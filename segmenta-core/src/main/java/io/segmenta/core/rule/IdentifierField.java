package io.segmenta.core.rule;

import io.segmenta.core.schema.Schema;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule reads a profile's identifiers as the field {@code identifier.<kind>} ({@code identifier.email exists},
 * {@code identifier.phone missing}, {@code identifier.email matches "@gmail\\.com$"}): text, with every text operator.
 * A profile may hold several identifiers of one kind (after a merge, say), so a condition holds when it holds for
 * at least one of them; a profile with none is judged as a missing value, so {@code missing} holds there and every
 * comparison fails. Trait names cannot hold a dot, so the path never shadows a trait.
 *
 * <p>The kinds Segmenta itself stores ({@link #BARE}: e-mail, phone, anonymous id) may also be written bare, as a
 * marketer would ({@code email exists}, {@code email ends with "@gmail.com"}), when the schema declares no trait of
 * that name: a declared trait wins, and {@link #shadowed} words a warning for it. The decision depends on the schema
 * alone, never on the data, so a rule means the same before and after an import; {@link #resolve} writes the bare
 * names out ({@code identifier.email}), which is how a checked rule is saved, and the evaluator and the SQL compiler
 * read a bare name the same way when they are given the schema.
 */
public final class IdentifierField {
  public static final String PREFIX = "identifier.";
  /** The identifier kinds a rule may name without the prefix. */
  public static final Set<String> BARE = Set.of("email", "phone", "anonymous_id");
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

  /**
   * The identifier kind a profile-level path reads under {@code schema}: the kind of {@code identifier.<kind>}, or a
   * bare {@link #BARE} name that is neither a stored nor a computed trait there; empty for a trait. With a null schema,
   * only the prefixed form.
   */
  public static Optional<String> kind(String path, Schema schema) {
    if (is(path)) {
      return kind(path);
    }
    if (schema != null && BARE.contains(path) && schema.trait(path).isEmpty() && ComputedTraits.definition(path).isEmpty()) {
      return Optional.of(path);
    }
    return Optional.empty();
  }

  /** The rule with every bare identifier name at the profile's level written out as {@code identifier.<kind>}. */
  public static Rule resolve(Rule rule, Schema schema) {
    if (rule instanceof Rule.And a) {
      return new Rule.And(a.rules().stream().map(r -> resolve(r, schema)).toList());
    } else if (rule instanceof Rule.Or o) {
      return new Rule.Or(o.rules().stream().map(r -> resolve(r, schema)).toList());
    } else if (rule instanceof Rule.Nor n) {
      return new Rule.Nor(n.rules().stream().map(r -> resolve(r, schema)).toList());
    } else if (rule instanceof Rule.Not n) {
      return new Rule.Not(resolve(n.rule(), schema));
    } else if (rule instanceof Rule.Field f && !is(f.path())) {
      Optional<String> kind = kind(f.path(), schema);
      return kind.isPresent() ? new Rule.Field(PREFIX + kind.get(), f.condition()) : rule;
    }
    // Aggregates read event properties in their filters, never identifiers; segment references are saved resolved.
    return rule;
  }

  /** The parsed rule with its bare identifier names written out; positions are kept for the nodes left as they were. */
  public static ParsedRule resolve(ParsedRule parsed, Schema schema) {
    Rule resolved = resolve(parsed.rule(), schema);
    return resolved.equals(parsed.rule()) ? parsed : new ParsedRule(resolved, parsed.sourceMap());
  }

  /**
   * Warnings for bare names at the profile's level that could mean an identifier but read a declared trait of the
   * same name (which wins), e.g. "'email' reads the trait email, ...; write identifier.email for the e-mail identifiers".
   */
  public static List<String> shadowed(Rule rule, Schema schema) {
    Set<String> names = new LinkedHashSet<>();
    collect(rule, schema, names);
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add("'" + n + "' reads the trait " + n + ", not the profiles' " + n + " identifiers (a trait of that name wins); write "
          + PREFIX + n + " for the identifiers");
    }
    return out;
  }

  private static void collect(Rule rule, Schema schema, Set<String> names) {
    if (rule instanceof Rule.And a) {
      a.rules().forEach(r -> collect(r, schema, names));
    } else if (rule instanceof Rule.Or o) {
      o.rules().forEach(r -> collect(r, schema, names));
    } else if (rule instanceof Rule.Nor n) {
      n.rules().forEach(r -> collect(r, schema, names));
    } else if (rule instanceof Rule.Not n) {
      collect(n.rule(), schema, names);
    } else if (rule instanceof Rule.Field f && BARE.contains(f.path()) && schema.trait(f.path()).isPresent()) {
      names.add(f.path());
    }
  }
}
