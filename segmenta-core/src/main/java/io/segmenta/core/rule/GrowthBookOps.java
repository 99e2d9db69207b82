package io.segmenta.core.rule;

import io.segmenta.core.value.Value;

/**
 * GrowthBook's operators on one attribute value ({@link Semantics#GROWTHBOOK}): JavaScript's strict equality and
 * relational comparisons ({@link Js}), padded versions, {@code $in} with the evaluator's array rules, regular
 * expressions on {@code String(v)}. Written from GrowthBook's {@code evalOperatorCondition} and checked by its SDK's
 * {@code evalCondition} cases ({@code GrowthBookConformanceTest}).
 */
final class GrowthBookOps {
  private GrowthBookOps() {}

  static boolean test(Op op, Value v, Evaluator evaluator) {
    if (op instanceof Op.Compare c) {
      return switch (c.cmp()) {
        case EQ -> Js.strictEquals(v, c.value());
        case NE -> !Js.strictEquals(v, c.value());
        default -> Js.relational(c.cmp(), v, c.value());
      };
    } else if (op instanceof Op.VersionCompare vc) {
      int cmp = Js.paddedVersion(v).compareTo(Js.paddedVersion(vc.value()));
      return vc.cmp().test(Integer.signum(cmp));
    } else if (op instanceof Op.In in) {
      return in.negated() != evaluator.isIn(v, in.values(), in.ignoreCase());
    } else if (op instanceof Op.Regex r) {
      return Evaluator.regex(r.pattern(), r.ignoreCase()).matcher(Js.toStr(v)).find();
    } else if (op instanceof Op.Between b) {
      return Js.relational(Op.Cmp.GTE, v, b.low()) && Js.relational(Op.Cmp.LTE, v, b.high());
    } else if (op instanceof Op.Contains c) {
      if (v instanceof Value.Str s && c.value() instanceof Value.Str t) {
        return s.value().contains(t.value());
      }
      return v instanceof Value.ListValue l && l.items().stream().anyMatch(i -> Js.strictEquals(i, c.value()));
    } else if (op instanceof Op.StartsWith s) {
      return v instanceof Value.Str str && str.value().startsWith(s.prefix());
    } else if (op instanceof Op.EndsWith e) {
      return v instanceof Value.Str str && str.value().endsWith(e.suffix());
    }
    throw new AssertionError(op);
  }
}
