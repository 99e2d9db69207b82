package io.segmenta.core.experiment;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.List;
import java.util.Objects;
import java.util.HashSet;
import java.util.Set;

/**
 * How units are split between variants, in GrowthBook's terms so that an experiment defined here assigns exactly as
 * the GrowthBook SDKs do: the variants and their weights, the coverage (share of eligible units that take part), an
 * optional namespace slice (mutually exclusive experiments), the attribute hashed and the hash's seed and version.
 * {@code ranges}, {@code filters} and {@code force} are GrowthBook's advanced controls: explicit bucket ranges
 * (replacing weights and coverage), hash filters (replacing the namespace), and a forced variation.
 */
public record Allocation(List<Variant> variants, double coverage, Namespace namespace, String hashAttribute, String seed,
    int hashVersion, List<double[]> ranges, List<Filter> filters, Integer force, boolean active, Sticky sticky) {

  /**
   * GrowthBook's sticky bucketing: a unit keeps the variation it was first given, whatever the weights, coverage or
   * targeting become, until the bucket version changes. {@code enabled} is the negation of GrowthBook's
   * {@code disableStickyBucketing}; {@code bucketVersion} names the current bucketing (bumping it re-buckets
   * everyone); units with an assignment from a version below {@code minBucketVersion} are kept out of the
   * experiment; {@code fallbackAttribute} is hashed when the unit has no hash attribute (an anonymous id standing
   * in for a user id). As in GrowthBook's SDKs, all four act only where sticky bucketing is enabled.
   */
  public record Sticky(boolean enabled, int bucketVersion, int minBucketVersion, String fallbackAttribute) {
    public static final Sticky DEFAULT = new Sticky(true, 0, 0, null);

    public Sticky {
      checkArgument(bucketVersion >= 0, "bucketVersion must be a whole number >= 0, got %s", bucketVersion);
      checkArgument(minBucketVersion >= 0, "minBucketVersion must be a whole number >= 0, got %s", minBucketVersion);
      checkArgument(fallbackAttribute == null || !fallbackAttribute.isBlank(), "fallbackAttribute must not be blank, got '%s'", fallbackAttribute);
    }

    /** GrowthBook's sticky-bucket experiment key: {@code key__version}. */
    public String assignmentKey(String experimentKey, int version) {
      return experimentKey + "__" + version;
    }
  }

  /** Without sticky-bucketing settings: GrowthBook's defaults. */
  public Allocation(List<Variant> variants, double coverage, Namespace namespace, String hashAttribute, String seed,
      int hashVersion, List<double[]> ranges, List<Filter> filters, Integer force, boolean active) {
    this(variants, coverage, namespace, hashAttribute, seed, hashVersion, ranges, filters, force, active, Sticky.DEFAULT);
  }

  /** The slice {@code [start, end)} of namespace {@code id} (hashed with seed "__" + id, version 1). */
  public record Namespace(String id, double start, double end) {
    public Namespace {
      checkArgument(id != null && !id.isBlank(), "namespace id must not be blank, got '%s'", id);
      checkArgument(start >= 0 && end <= 1 && start <= end, "namespace range must satisfy 0 <= start <= end <= 1, got [%s, %s)", start, end);
    }
  }

  /** A unit passes when the hash of its {@code attribute} with {@code seed} falls in one of the ranges. */
  public record Filter(String attribute, String seed, int hashVersion, List<double[]> ranges) {
    public Filter {
      Objects.requireNonNull(seed, "seed");
      ranges = List.copyOf(ranges);
    }
  }

  public Allocation {
    variants = List.copyOf(variants);
    checkArgument(coverage >= 0 && coverage <= 1, "coverage must be within 0..1, got %s", coverage);
    checkArgument(hashVersion == 1 || hashVersion == 2, "hash version must be 1 or 2, got %s", hashVersion);
    checkArgument(hashAttribute != null && !hashAttribute.isBlank(), "hash attribute must not be blank, got '%s'", hashAttribute);
    ranges = ranges == null ? null : List.copyOf(ranges);
    filters = filters == null ? List.of() : List.copyOf(filters);
    sticky = sticky == null ? Sticky.DEFAULT : sticky;
    Set<String> keys = new HashSet<>();
    for (Variant v : variants) {
      checkArgument(keys.add(v.key()), "variant keys must be unique, '%s' appears twice", v.key());
    }
  }

  /** Equal weights over the variants, full coverage, hashing {@code id} with hash version 2. */
  public static Allocation split(List<Variant> variants) {
    return new Allocation(variants, 1.0, null, "id", null, 2, null, List.of(), null, true);
  }

  public double[] weights() {
    double[] w = new double[variants.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = variants.get(i).weight();
    }
    return w;
  }

  public int indexOf(String variantKey) {
    for (int i = 0; i < variants.size(); i++) {
      if (variants.get(i).key().equals(variantKey)) {
        return i;
      }
    }
    return -1;
  }
}
