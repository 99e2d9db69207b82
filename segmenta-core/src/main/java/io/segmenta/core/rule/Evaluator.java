package io.segmenta.core.rule;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Decides membership of one profile in memory: the reference semantics of the rule language, against which the
 * SQL compiler is tested, and the engine of real-time segments. Also evaluates GrowthBook targeting conditions
 * over free-form attributes ({@link #evalCondition}) with {@link Semantics#GROWTHBOOK}.
 *
 * <p>Instances are immutable and thread-safe; compiled regular expressions are cached.
 *
 * <p>The history measures are {@link HistoryMeasures}; GrowthBook's operators are {@link GrowthBookOps} over
 * JavaScript's coercions ({@link Js}).
 *
 * <p>Over 500 lines: one walk over rules for both semantics, with the field reads (traits, computed traits,
 * identifiers, bare or prefixed) beside the conditions they feed; the measures and operators already live apart.
 */
public final class Evaluator {
  private static final Map<String, Pattern> REGEX_CACHE = new ConcurrentHashMap<>();
  private static final Pattern INVALID = Pattern.compile("(?!)");

  private final Semantics semantics;
  private final Instant asOf;
  private final SegmentResolver segments;
  private final Map<String, List<Value>> savedGroups;
  /** The store's schema when known: then a bare identifier kind with no trait of its name reads identifiers. */
  private final Schema schema;
  /** Windows resolved at this evaluator's as-of; a rule's windows are few, its evaluations many. */
  private final Map<Window, Window.Interval> intervals = new ConcurrentHashMap<>();

  public Evaluator(Semantics semantics, Instant asOf, SegmentResolver segments, Map<String, List<Value>> savedGroups) {
    this(semantics, asOf, segments, savedGroups, null);
  }

  private Evaluator(Semantics semantics, Instant asOf, SegmentResolver segments, Map<String, List<Value>> savedGroups, Schema schema) {
    this.semantics = Objects.requireNonNull(semantics, "semantics");
    this.asOf = Objects.requireNonNull(asOf, "asOf");
    this.segments = Objects.requireNonNull(segments, "segments");
    this.savedGroups = Map.copyOf(savedGroups);
    this.schema = schema;
  }

  /** Strict semantics that read a bare identifier kind ({@code email exists}) as SQL does under the schema ({@link IdentifierField}). */
  public static Evaluator strict(Instant asOf, SegmentResolver segments, Schema schema) {
    return new Evaluator(Semantics.STRICT, asOf, segments, Map.of(), Objects.requireNonNull(schema, "schema"));
  }

  /** The evaluator segments use: strict semantics at {@code asOf}. */
  public static Evaluator strict(Instant asOf, SegmentResolver segments) {
    return new Evaluator(Semantics.STRICT, asOf, segments, Map.of());
  }

  /** GrowthBook's {@code evalCondition(attributes, condition, savedGroups)}. */
  public static boolean evalCondition(Rule condition, Value attributes, Map<String, List<Value>> savedGroups) {
    Evaluator e = new Evaluator(Semantics.GROWTHBOOK, Instant.EPOCH, SegmentResolver.NONE, savedGroups);
    return e.rule(condition, new Scope(attributes, null), new ArrayDeque<>());
  }

  /** JavaScript's {@code String(v)}: how GrowthBook's SDKs turn an attribute into the string they hash. */
  public static String jsString(Value v) {
    return Js.toStr(v);
  }

  /** Whether a value meets a condition under strict semantics (for compilers that reason about conditions). */
  public static boolean holds(Condition condition, Value value) {
    return new Evaluator(Semantics.STRICT, Instant.EPOCH, SegmentResolver.NONE, Map.of()).condition(condition, value, false);
  }

  /** The value an aggregate takes when no event is in its window: 0 for counts and sums, otherwise missing. */
  public static Value emptyValue(Measure m) {
    if (m instanceof Measure.Aggregate a) {
      return switch (a.fn()) {
        case COUNT, SUM, COUNT_DISTINCT -> new Value.Num(0);
        default -> Value.NULL;
      };
    }
    return Value.NULL;
  }

  public Instant asOf() {
    return asOf;
  }

  /** Whether the profile is a member. */
  public boolean matches(Rule rule, ProfileHistory history) {
    return rule(rule, new Scope(null, history), new ArrayDeque<>());
  }

  /**
   * Whether a profile known only by its trait values (stored, precomputed or given by a request's context) and its
   * segment memberships matches: what the decision API evaluates without touching events. A dotted path reads
   * into an object trait. Aggregates over events are false here, so callers reject them up front; a segment
   * reference asks {@code memberOf}.
   */
  public boolean matches(Rule rule, Function<String, Value> traits, Predicate<String> memberOf) {
    // Segment references go to memberOf here, so the reference chain is never pushed to: share an empty one.
    return rule(rule, new Scope(null, null, null, traits, memberOf), NO_REFS);
  }

  private static final Deque<String> NO_REFS = new ArrayDeque<>(0);

  /** The value of a measure for a profile: a number, an instant, or null when it is undefined. */
  public Value measure(Measure m, ProfileHistory history) {
    if (m instanceof Measure.Ratio r) {
      Value num = measure(r.numerator(), history);
      Value den = measure(r.denominator(), history);
      if (num instanceof Value.Num n && den instanceof Value.Num d && d.value() != 0) {
        return new Value.Num(n.value() / d.value());
      }
      return Value.NULL;
    }
    if (m instanceof Measure.Difference d) {
      Value left = measure(d.left(), history);
      Value right = measure(d.right(), history);
      if (left instanceof Value.Num x && right instanceof Value.Num y) {
        return new Value.Num(x.value() - y.value());
      }
      return Value.NULL;
    }
    Measure.Aggregate a = (Measure.Aggregate) m;
    Window.Interval in = intervals.computeIfAbsent(a.window(), w -> w.resolve(asOf));
    Evaluator filterEval = semantics == Semantics.STRICT ? this : new Evaluator(Semantics.STRICT, asOf, segments, savedGroups);
    return HistoryMeasures.aggregate(a, in, history, asOf,
        a.filter() == null ? null : e -> filterEval.rule(a.filter(), new Scope(null, null, e), new ArrayDeque<>()));
  }

  /** Whole days elapsed from {@code t} to {@code asOf}, rounded down. */
  static long daysBetween(Instant t, Instant asOf) {
    return HistoryMeasures.daysBetween(t, asOf);
  }

  /** What a field path reads: a trait of the profile, a property of an event, or a path into free attributes. */
  private record Scope(Value root, ProfileHistory history, Event event, Function<String, Value> traits,
      Predicate<String> memberOf) {
    Scope(Value root, ProfileHistory history) {
      this(root, history, null, null, null);
    }

    Scope(Value root, ProfileHistory history, Event event) {
      this(root, history, event, null, null);
    }

    Value get(String path) {
      if (event != null) {
        return event.property(path);
      }
      if (traits != null) {
        int dot = path.indexOf('.');
        if (dot < 0) {
          Value v = traits.apply(path);
          return v == null ? Value.NULL : v;
        }
        Value v = traits.apply(path.substring(0, dot));
        return walk(v == null ? Value.NULL : v, path.substring(dot + 1));
      }
      if (history != null) {
        int dot = path.indexOf('.');
        if (dot < 0) {
          return history.profile().trait(path);
        }
        return walk(history.profile().trait(path.substring(0, dot)), path.substring(dot + 1));
      }
      return walk(root, path);
    }

    /** GrowthBook's getPath: follows object keys (and array indexes, as JavaScript's {@code in} allows). */
    private static Value walk(Value current, String path) {
      for (String part : path.split("\\.", -1)) {
        if (current instanceof Value.ObjectValue o && o.fields().containsKey(part)) {
          current = o.fields().get(part);
        } else if (current instanceof Value.ListValue l && part.matches("0|[1-9]\\d{0,8}") && Integer.parseInt(part) < l.items().size()) {
          current = l.items().get(Integer.parseInt(part));
        } else if (current instanceof Value.ListValue l && part.equals("length")) {
          current = new Value.Num(l.items().size());
        } else {
          return Value.NULL;
        }
      }
      return current;
    }
  }

  private boolean rule(Rule r, Scope scope, Deque<String> refs) {
    if (r instanceof Rule.And a) {
      for (Rule x : a.rules()) {
        if (!rule(x, scope, refs)) {
          return false;
        }
      }
      return true;
    } else if (r instanceof Rule.Or o) {
      return o.rules().isEmpty() || anyHolds(o.rules(), scope, refs);
    } else if (r instanceof Rule.Nor n) {
      return !n.rules().isEmpty() && !anyHolds(n.rules(), scope, refs);
    } else if (r instanceof Rule.Not n) {
      return !rule(n.rule(), scope, refs);
    } else if (r instanceof Rule.Field f) {
      if (scope.history() != null && scope.event() == null) {
        Optional<String> kind = IdentifierField.kind(f.path(), schema);
        if (kind.isPresent() || IdentifierField.is(f.path())) {
          return identifier(f.condition(), kind.orElse(""), scope.history().profile());
        }
        Optional<Measure> computed = ComputedTraits.definition(f.path());
        if (computed.isPresent()) {
          return strictCondition(f.condition(), measure(computed.get(), scope.history()));
        }
      }
      return condition(f.condition(), scope.get(f.path()), false);
    } else if (r instanceof Rule.SegmentRef s && scope.memberOf() != null && scope.event() == null) {
      return scope.memberOf().test(s.name());
    } else if (r instanceof Rule.SegmentRef s) {
      if (refs.contains(s.name())) {
        throw RuleException.general("segment '" + s.name() + "' refers to itself through " + String.join(" -> ", refs) + " -> " + s.name());
      }
      Rule target = segments.find(s.name()).orElseThrow(() -> RuleException.general("there is no segment named '" + s.name() + "'"));
      refs.push(s.name());
      try {
        return rule(target, scope, refs);
      } finally {
        refs.pop();
      }
    } else {
      Rule.MeasureRule m = (Rule.MeasureRule) r;
      if (scope.history() == null) {
        return false;
      }
      Value v = measure(m.measure(), scope.history());
      return strictCondition(m.condition(), v);
    }
  }

  /** Some identifier of the kind meets the condition, or the profile has none and a missing value meets it. */
  private boolean identifier(Condition c, String kind, Profile profile) {
    boolean any = false;
    for (Identifier i : profile.identifiers()) {
      if (i.kind().equals(kind)) {
        any = true;
        if (strictCondition(c, new Value.Str(i.value()))) {
          return true;
        }
      }
    }
    return !any && strictCondition(c, Value.NULL);
  }

  private boolean anyHolds(List<Rule> rules, Scope scope, Deque<String> refs) {
    for (Rule x : rules) {
      if (rule(x, scope, refs)) {
        return true;
      }
    }
    return false;
  }

  private boolean strictCondition(Condition c, Value v) {
    if (semantics == Semantics.STRICT) {
      return condition(c, v, false);
    }
    return new Evaluator(Semantics.STRICT, asOf, segments, savedGroups).condition(c, v, false);
  }

  private boolean condition(Condition c, Value v, boolean insensitive) {
    if (c instanceof Condition.Equals e) {
      return equalsLiteral(e.value(), v, insensitive);
    }
    for (Op op : ((Condition.Ops) c).ops()) {
      if (!op(op, v)) {
        return false;
      }
    }
    return true;
  }

  private boolean equalsLiteral(Value lit, Value v, boolean insensitive) {
    if (semantics == Semantics.GROWTHBOOK) {
      if (lit instanceof Value.Str s) {
        return insensitive ? Js.toStr(v).toLowerCase(Locale.ROOT).equals(s.value().toLowerCase(Locale.ROOT)) : Js.toStr(v).equals(s.value());
      } else if (lit instanceof Value.Num n) {
        return Js.toNumber(v) == n.value();
      } else if (lit instanceof Value.Bool b) {
        return !v.isNull() && Js.truthy(v) == b.value();
      } else if (lit.isNull()) {
        return v.isNull();
      }
      return Js.stringify(v).equals(Js.stringify(lit));
    }
    if (lit.isNull()) {
      return v.isNull();
    }
    if (v.isNull()) {
      return false;
    }
    if (insensitive && lit instanceof Value.Str s && v instanceof Value.Str t) {
      return s.value().equalsIgnoreCase(t.value());
    }
    Integer c = compareOrNull(v, lit);
    return c != null && c == 0;
  }

  private boolean op(Op op, Value v) {
    boolean gb = semantics == Semantics.GROWTHBOOK;
    if (op instanceof Op.Exists e) {
      return e.exists() != v.isNull();
    }
    if (op instanceof Op.NotOp n) {
      return !condition(n.condition(), v, false);
    }
    if (op instanceof Op.Type t) {
      return (gb ? Js.typeOf(v) : v.typeName()).equals(t.typeName());
    }
    if (op instanceof Op.Unknown) {
      return false;
    }
    if (op instanceof Op.InGroup g) {
      boolean in = isIn(v, savedGroups.getOrDefault(g.group(), List.of()), false);
      if (!gb && v.isNull()) {
        return false;
      }
      return g.negated() != in;
    }
    if (op instanceof Op.Size || op instanceof Op.ElemMatchValue || op instanceof Op.ElemMatchRule || op instanceof Op.All) {
      return listOp(op, v);
    }
    if (gb) {
      return GrowthBookOps.test(op, v, this);
    }
    if (v.isNull()) {
      return false;
    }
    if (op instanceof Op.Compare c) {
      Integer cmp = compareOrNull(v, c.value());
      return cmp != null && c.cmp().test(cmp);
    } else if (op instanceof Op.VersionCompare vc) {
      if (!(v instanceof Value.Str || v instanceof Value.Num)) {
        return false;
      }
      return vc.cmp().test(Integer.signum(Js.paddedVersion(v).compareTo(Js.paddedVersion(vc.value()))));
    } else if (op instanceof Op.In in) {
      return in.negated() != isIn(v, in.values(), in.ignoreCase());
    } else if (op instanceof Op.Regex r) {
      return v instanceof Value.Str s && regex(r.pattern(), r.ignoreCase()).matcher(s.value()).find();
    } else if (op instanceof Op.Between b) {
      Integer lo = compareOrNull(v, b.low());
      Integer hi = compareOrNull(v, b.high());
      return lo != null && hi != null && lo >= 0 && hi <= 0;
    } else if (op instanceof Op.Contains c) {
      if (v instanceof Value.Str s && c.value() instanceof Value.Str t) {
        return s.value().contains(t.value());
      }
      if (v instanceof Value.ListValue l) {
        for (Value item : l.items()) {
          if (!item.isNull() && compareOrNull(item, c.value()) != null && compare(item, c.value()) == 0) {
            return true;
          }
        }
      }
      return false;
    } else if (op instanceof Op.StartsWith s) {
      return v instanceof Value.Str str && str.value().startsWith(s.prefix());
    } else if (op instanceof Op.EndsWith e) {
      return v instanceof Value.Str str && str.value().endsWith(e.suffix());
    }
    throw new AssertionError(op);
  }

  /**
   * Operators on lists, the same in both semantics except for which elements are passed over: missing ones
   * (strict), or every falsy one, as GrowthBook's elemMatch does.
   */
  private boolean listOp(Op op, Value v) {
    if (!(v instanceof Value.ListValue l)) {
      return false;
    }
    if (op instanceof Op.Size s) {
      return condition(s.condition(), new Value.Num(l.items().size()), false);
    }
    if (op instanceof Op.All a) {
      return all(a, v);
    }
    for (Value item : l.items()) {
      boolean skip = semantics == Semantics.GROWTHBOOK ? !Js.truthy(item) : item.isNull();
      if (skip) {
        continue;
      }
      boolean hit = op instanceof Op.ElemMatchValue e ? condition(e.ops(), item, false)
          : rule(((Op.ElemMatchRule) op).rule(), new Scope(item, null), new ArrayDeque<>());
      if (hit) {
        return true;
      }
    }
    return false;
  }

  private boolean all(Op.All a, Value v) {
    if (!(v instanceof Value.ListValue l)) {
      return false;
    }
    for (Condition c : a.conditions()) {
      boolean passed = false;
      for (Value item : l.items()) {
        if ((semantics == Semantics.GROWTHBOOK || !item.isNull()) && condition(c, item, a.ignoreCase())) {
          passed = true;
          break;
        }
      }
      if (!passed) {
        return false;
      }
    }
    return true;
  }

  boolean isIn(Value actual, List<Value> expected, boolean insensitive) {
    if (actual instanceof Value.ListValue l) {
      for (Value el : l.items()) {
        if (inList(el, expected, insensitive)) {
          return true;
        }
      }
      return false;
    }
    return inList(actual, expected, insensitive);
  }

  private boolean inList(Value x, List<Value> expected, boolean insensitive) {
    for (Value e : expected) {
      if (insensitive && x instanceof Value.Str a && e instanceof Value.Str b) {
        if (a.value().toLowerCase(Locale.ROOT).equals(b.value().toLowerCase(Locale.ROOT))) {
          return true;
        }
      } else if (semantics == Semantics.GROWTHBOOK ? Js.sameValueZero(x, e) : (!x.isNull() && compareOrNull(x, e) != null && compare(x, e) == 0)) {
        return true;
      }
    }
    return false;
  }

  static Pattern regex(String pattern, boolean ignoreCase) {
    return REGEX_CACHE.computeIfAbsent((ignoreCase ? "i:" : "c:") + pattern, k -> {
      try {
        return Pattern.compile(pattern, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
      } catch (PatternSyntaxException e) {
        return INVALID;
      }
    });
  }

  /** Three-way comparison of two values of comparable types (dates compare with instants at midnight UTC). */
  static int compare(Value a, Value b) {
    Integer c = compareOrNull(a, b);
    if (c == null) {
      throw new IllegalArgumentException("cannot compare " + a.typeName() + " with " + b.typeName());
    }
    return c;
  }

  static Integer compareOrNull(Value a, Value b) {
    if (a instanceof Value.Num x && b instanceof Value.Num y) {
      return Double.compare(x.value() == 0 ? 0.0 : x.value(), y.value() == 0 ? 0.0 : y.value());
    }
    if (a instanceof Value.Str x && b instanceof Value.Str y) {
      return Integer.signum(x.value().compareTo(y.value()));
    }
    if (a instanceof Value.Bool x && b instanceof Value.Bool y) {
      return Boolean.compare(x.value(), y.value());
    }
    Instant ta = instant(a);
    Instant tb = instant(b);
    if (ta != null && tb != null) {
      return ta.compareTo(tb);
    }
    if (a instanceof Value.ListValue x && b instanceof Value.ListValue y) {
      return x.equals(y) ? 0 : 1; // lists are equal or not; the type checker allows only = and != on them
    }
    return null;
  }

  private static Instant instant(Value v) {
    if (v instanceof Value.TimeValue t) {
      return t.value();
    }
    if (v instanceof Value.DateValue d) {
      return d.value().atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return null;
  }
}
