package io.segmenta.core.experiment;

import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Deterministic assignment of units to variations, compatible with GrowthBook's SDKs: the same id, seed and
 * weights give the same variation here as in the GrowthBook JavaScript SDK in a browser (its cross-SDK conformance
 * cases are the test). A unit's hash is FNV-1a 32-bit (Fowler, Noll and Vo) over the UTF-16 code units of the
 * string, as JavaScript's {@code charCodeAt} sees it: an id with characters outside the Basic Multilingual Plane
 * hashes its two surrogates, like the JS SDK (the Python SDK, which hashes code points, differs there).
 */
public final class Assignment {
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private Assignment() {}

  /** FNV-1a 32-bit over UTF-16 code units, as an unsigned value. */
  static long fnv32a(String s) {
    return fnv(FNV_OFFSET, s) & 0xffffffffL;
  }

  /** Continues an FNV-1a state over a string: fnv(fnv(offset, a), b) is the hash of a + b without building it. */
  private static int fnv(int h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }

  /** FNV-1a over the decimal digits of a non-negative number, as hashing {@code String(n)} would. */
  private static long fnvDigits(long n) {
    char[] d = new char[20];
    int k = d.length;
    do {
      d[--k] = (char) ('0' + n % 10);
      n /= 10;
    } while (n > 0);
    int h = FNV_OFFSET;
    for (int i = k; i < d.length; i++) {
      h ^= d[i];
      h *= FNV_PRIME;
    }
    return h & 0xffffffffL;
  }

  /**
   * A number in [0, 1) for a unit: version 1 is fnv(value + seed) mod 1000 / 1000; version 2 is
   * fnv(str(fnv(seed + value))) mod 10000 / 10000. Unknown versions give no hash.
   */
  public static OptionalDouble hash(String seed, String value, int version) {
    if (version == 1) {
      return OptionalDouble.of(((fnv(fnv(FNV_OFFSET, value), seed) & 0xffffffffL) % 1000) / 1000.0);
    }
    if (version == 2) {
      return OptionalDouble.of((fnvDigits(fnv(fnv(FNV_OFFSET, seed), value) & 0xffffffffL) % 10000) / 10000.0);
    }
    return OptionalDouble.empty();
  }

  /** n equal weights summing to 1 (none for n <= 0). */
  public static double[] equalWeights(int n) {
    if (n <= 0) {
      return new double[0];
    }
    double[] w = new double[n];
    Arrays.fill(w, 1.0 / n);
    return w;
  }

  /**
   * The [start, end) hash range of each variation: weights (equal when missing, of the wrong length, or not
   * summing to 1 within 0.01) laid end to end, each shrunk to the coverage (clamped to 0..1).
   */
  public static List<double[]> bucketRanges(int variations, double coverage, double[] weights) {
    double c = Math.max(0, Math.min(1, coverage));
    double[] equal = equalWeights(variations);
    double[] w = weights == null || weights.length != variations ? equal : weights;
    double total = 0;
    for (double x : w) {
      total += x;
    }
    if (total < 0.99 || total > 1.01) {
      w = equal;
    }
    List<double[]> out = new ArrayList<>(w.length);
    double cumulative = 0;
    for (double x : w) {
      double start = cumulative;
      cumulative += x;
      out.add(new double[] {start, start + c * x});
    }
    return out;
  }

  /** {@code chooseVariation(n, bucketRanges(...))} without building the ranges: the same arithmetic, in place. */
  private static int choose(double n, Allocation a) {
    List<Variant> vs = a.variants();
    double c = Math.max(0, Math.min(1, a.coverage()));
    double total = 0;
    for (Variant v : vs) {
      total += v.weight();
    }
    boolean equal = total < 0.99 || total > 1.01;
    double cumulative = 0;
    for (int i = 0; i < vs.size(); i++) {
      double w = equal ? 1.0 / vs.size() : vs.get(i).weight();
      double start = cumulative;
      cumulative += w;
      if (n >= start && n < start + c * w) {
        return i;
      }
    }
    return -1;
  }

  /** The variation whose range holds n, or -1 (outside the coverage). */
  public static int chooseVariation(double n, List<double[]> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      if (n >= ranges.get(i)[0] && n < ranges.get(i)[1]) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Decides one unit's variation as GrowthBook's SDKs run an experiment ({@code runExperiment} in the JavaScript
   * SDK), step by step: fewer than two variations, the kill switch, a variation forced for the unit, an inactive
   * experiment, the hash attribute (or, with sticky bucketing, the fallback attribute) and a missing one, a stored
   * sticky bucket, then, without one, hash filters (or else the namespace), the targeting condition and segment; the
   * hash and its bucket ranges (skipped when a sticky bucket decided), a bucket from a blocked version, coverage, a
   * forced variation (after coverage, so coverage wins), QA mode. Every "no" says which step said it. URL targeting,
   * query-string overrides and prerequisite flags are browser and feature-flag matters with no place here
   * ({@link io.segmenta.core.experiment.json.ExperimentJson} refuses {@code parentConditions} rather than ignore them).
   */
  public static Decision decide(Experiment e, Unit u) {
    Allocation a = e.allocation();
    List<Variant> vs = a.variants();
    if (vs.size() < 2) {
      return out(e, "the experiment has fewer than two variants");
    }
    if (!u.enabled()) {
      return out(e, "experiments are disabled for this unit");
    }
    Integer forced = u.forced().get(e.key());
    if (forced != null) {
      return result(e, forced, false, null, null, false, "the variation is forced for this unit");
    }
    if (!a.active()) {
      return out(e, "the experiment is not active");
    }
    // Sticky bucketing needs both the experiment's consent and a store of assignments behind the unit, as the SDKs
    // need both !disableStickyBucketing and a sticky-bucket service.
    Allocation.Sticky st = a.sticky();
    boolean sticky = st.enabled() && u.stickyAssignments() != null;
    String hashAttribute = a.hashAttribute();
    String hashValue = text(u.attribute(hashAttribute));
    if (hashValue.isEmpty() && sticky && st.fallbackAttribute() != null) {
      String fallback = text(u.attribute(st.fallbackAttribute()));
      if (!fallback.isEmpty()) {
        hashAttribute = st.fallbackAttribute();
        hashValue = fallback;
      }
    }
    if (hashValue.isEmpty()) {
      return out(e, "the unit has no '" + a.hashAttribute() + "'" + (sticky && st.fallbackAttribute() != null
          ? " nor '" + st.fallbackAttribute() + "'" : "") + " to hash");
    }
    int assigned = -1;
    boolean found = false;
    boolean blocked = false;
    if (sticky) {
      Map<String, String> stored = u.stickyAssignments();
      // A bucket from any version below minBucketVersion keeps the unit out: the experiment was restarted and the
      // units that saw the old version must not pollute the new one.
      for (int v = 0; v < st.minBucketVersion() && !blocked; v++) {
        blocked = stored.containsKey(st.assignmentKey(e.key(), v));
      }
      if (!blocked) {
        String key = stored.get(st.assignmentKey(e.key(), st.bucketVersion()));
        // A stored key naming no current variant is no assignment at all (the SDKs look it up in meta the same way).
        assigned = key == null ? -1 : a.indexOf(key);
        found = assigned >= 0;
      }
    }
    if (!found) {
      Decision excluded = targeting(e, u, hashValue);
      if (excluded != null) {
        return excluded;
      }
    }
    OptionalDouble n = hash(a.seed() == null ? e.key() : a.seed(), hashValue, a.hashVersion());
    if (n.isEmpty()) {
      return out(e, "hash version " + a.hashVersion() + " is unknown");
    }
    if (!found) {
      assigned = a.ranges() != null ? chooseVariation(n.getAsDouble(), a.ranges()) : choose(n.getAsDouble(), a);
    }
    if (blocked) {
      return out(e, "the unit was bucketed under a bucket version below " + st.minBucketVersion() + " and is kept out (minBucketVersion)");
    }
    if (assigned < 0) {
      return out(e, "the unit's hash falls outside the covered share of traffic");
    }
    if (a.force() != null) {
      return result(e, a.force(), false, hashValue, hashAttribute, false, "the experiment forces variation " + a.force());
    }
    if (u.qaMode()) {
      return out(e, "QA mode: only forced variations are shown");
    }
    return result(e, assigned, true, hashValue, hashAttribute, found,
        found ? "kept the variation stored for it (sticky bucket, version " + st.bucketVersion() + ")" : "assigned by hash");
  }

  /**
   * What a sticky-bucket store keeps after a decision, GrowthBook's {@code key__bucketVersion} to the variation's key
   * under the attribute hashed: something only when the unit takes part and sticky bucketing is on.
   */
  public static Optional<Map.Entry<String, String>> stickyAssignment(Experiment e, Decision d) {
    Allocation.Sticky st = e.allocation().sticky();
    if (!d.inExperiment() || !st.enabled() || d.hashAttribute() == null) {
      return Optional.empty();
    }
    return Optional.of(Map.entry(st.assignmentKey(e.key(), st.bucketVersion()), d.variantKey()));
  }

  /** Hash filters (or else the namespace), the condition and the segment: null when the unit passes them all. */
  private static Decision targeting(Experiment e, Unit u, String hashValue) {
    Allocation a = e.allocation();
    if (!a.filters().isEmpty()) {
      for (Allocation.Filter f : a.filters()) {
        String s = text(u.attribute(f.attribute() == null ? "id" : f.attribute()));
        OptionalDouble n = s.isEmpty() ? OptionalDouble.empty() : hash(f.seed(), s, f.hashVersion());
        if (n.isEmpty() || f.ranges().stream().noneMatch(r -> n.getAsDouble() >= r[0] && n.getAsDouble() < r[1])) {
          return out(e, "the unit is filtered out by the hash filter with seed '" + f.seed() + "'");
        }
      }
    } else if (a.namespace() != null && !inNamespace(hashValue, a.namespace().id(), a.namespace().start(), a.namespace().end())) {
      return out(e, "the unit is outside the experiment's slice of namespace '" + a.namespace().id() + "'");
    }
    Targeting t = e.targeting();
    if (t.condition() != null && !Evaluator.evalCondition(t.condition(), u.attributes(), u.savedGroups())) {
      return out(e, "the unit does not meet the targeting condition");
    }
    if (t.segment() != null && !u.segments().test(t.segment())) {
      return out(e, "the unit is not in segment '" + t.segment() + "'");
    }
    return null;
  }

  /** An attribute as the SDKs hash it: JavaScript's String(value), empty when absent or null. */
  private static String text(Value v) {
    return v == null || v.isNull() ? "" : Evaluator.jsString(v);
  }

  private static Decision out(Experiment e, String reason) {
    Variant first = e.allocation().variants().isEmpty() ? null : e.allocation().variants().get(0);
    return new Decision(0, first == null ? null : first.key(), first == null ? Value.NULL : first.value(), false, false, null, reason);
  }

  private static Decision result(Experiment e, int index, boolean hashUsed, String hashValue, String hashAttribute, boolean sticky, String reason) {
    List<Variant> vs = e.allocation().variants();
    if (index < 0 || index >= vs.size()) {
      return out(e, "variation " + index + " does not exist");
    }
    Variant v = vs.get(index);
    return new Decision(index, v.key(), v.value(), true, hashUsed, hashValue, reason, hashAttribute, sticky);
  }

  /** Whether a unit falls in a namespace's [start, end) slice (hashed with seed "__" + namespace, version 1). */
  public static boolean inNamespace(String unitId, String namespace, double start, double end) {
    double n = ((fnv(fnv(fnv(FNV_OFFSET, unitId), "__"), namespace) & 0xffffffffL) % 1000) / 1000.0;
    return n >= start && n < end;
  }
}
