package io.segmenta.core.rule;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * An operator applied to one value. The names in the JSON form are GrowthBook's (MongoDB-style), with
 * {@code $between}, {@code $contains}, {@code $startsWith} and {@code $endsWith} as Segmenta's extensions.
 */
public sealed interface Op {

  /** The operator's key in the JSON form, e.g. {@code $gte}. */
  String key();

  enum Cmp {
    EQ("$eq", "="), NE("$ne", "!="), LT("$lt", "<"), LTE("$lte", "<="), GT("$gt", ">"), GTE("$gte", ">=");

    public final String json;
    public final String symbol;

    Cmp(String json, String symbol) {
      this.json = json;
      this.symbol = symbol;
    }

    /** Whether a three-way comparison result {@code c} (negative, zero, positive) satisfies this operator. */
    public boolean test(int c) {
      return switch (this) {
        case EQ -> c == 0;
        case NE -> c != 0;
        case LT -> c < 0;
        case LTE -> c <= 0;
        case GT -> c > 0;
        case GTE -> c >= 0;
      };
    }
  }

  record Compare(Cmp cmp, Value value) implements Op {
    public Compare {
      Objects.requireNonNull(cmp, "cmp");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String key() {
      return cmp.json;
    }
  }

  /** Semantic-version comparison ({@code $veq}, {@code $vgt}, ...), on GrowthBook's padded version strings. */
  record VersionCompare(Cmp cmp, Value value) implements Op {
    public VersionCompare {
      Objects.requireNonNull(cmp, "cmp");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String key() {
      return "$v" + cmp.json.substring(1);
    }
  }

  /** Membership in a list; on a list value, any shared element counts. */
  record In(List<Value> values, boolean negated, boolean ignoreCase) implements Op {
    public In {
      values = List.copyOf(values);
    }

    @Override
    public String key() {
      return (negated ? "$nin" : "$in") + (ignoreCase ? "i" : "");
    }
  }

  record Exists(boolean exists) implements Op {
    @Override
    public String key() {
      return "$exists";
    }
  }

  record Regex(String pattern, boolean ignoreCase) implements Op {
    public Regex {
      Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public String key() {
      return ignoreCase ? "$regexi" : "$regex";
    }
  }

  record Type(String typeName) implements Op {
    public Type {
      Objects.requireNonNull(typeName, "typeName");
    }

    @Override
    public String key() {
      return "$type";
    }
  }

  /** The length of a list satisfies a condition. */
  record Size(Condition condition) implements Op {
    public Size {
      Objects.requireNonNull(condition, "condition");
    }

    @Override
    public String key() {
      return "$size";
    }
  }

  /** Some element of a list passes an operator group. */
  record ElemMatchValue(Condition.Ops ops) implements Op {
    public ElemMatchValue {
      Objects.requireNonNull(ops, "ops");
    }

    @Override
    public String key() {
      return "$elemMatch";
    }
  }

  /** Some element of a list (an object) satisfies a rule over its fields. */
  record ElemMatchRule(Rule rule) implements Op {
    public ElemMatchRule {
      Objects.requireNonNull(rule, "rule");
    }

    @Override
    public String key() {
      return "$elemMatch";
    }
  }

  /** Every condition is met by some element of a list. */
  record All(List<Condition> conditions, boolean ignoreCase) implements Op {
    public All {
      conditions = List.copyOf(conditions);
    }

    @Override
    public String key() {
      return ignoreCase ? "$alli" : "$all";
    }
  }

  record NotOp(Condition condition) implements Op {
    public NotOp {
      Objects.requireNonNull(condition, "condition");
    }

    @Override
    public String key() {
      return "$not";
    }
  }

  /** Membership in a saved group of ids (GrowthBook's saved groups). */
  record InGroup(String group, boolean negated) implements Op {
    public InGroup {
      Objects.requireNonNull(group, "group");
    }

    @Override
    public String key() {
      return negated ? "$notInGroup" : "$inGroup";
    }
  }

  /** Inclusive range. */
  record Between(Value low, Value high) implements Op {
    public Between {
      Objects.requireNonNull(low, "low");
      Objects.requireNonNull(high, "high");
    }

    @Override
    public String key() {
      return "$between";
    }
  }

  /** A string contains a substring, or a list contains an element. */
  record Contains(Value value) implements Op {
    public Contains {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String key() {
      return "$contains";
    }
  }

  record StartsWith(String prefix) implements Op {
    public StartsWith {
      Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public String key() {
      return "$startsWith";
    }
  }

  /** Text that ends with a suffix ({@code ends with "@gmail.com"}): Segmenta's extension, as {@code $startsWith}. */
  record EndsWith(String suffix) implements Op {
    public EndsWith {
      Objects.requireNonNull(suffix, "suffix");
    }

    @Override
    public String key() {
      return "$endsWith";
    }
  }

  /** An operator nobody knows, or a known one with an argument of the wrong shape: kept as written, never true. */
  record Unknown(String name, Value argument) implements Op {
    public Unknown {
      checkArgument(name != null && name.startsWith("$"), "operator name must start with $, got '%s'", name);
      Objects.requireNonNull(argument, "argument");
    }

    @Override
    public String key() {
      return name;
    }
  }
}
