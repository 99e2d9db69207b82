package io.segmenta.core.experiment;

import io.segmenta.core.value.Value;

/**
 * The outcome of assigning one unit: the variation shown (index, key and value; the first variation when the unit
 * is not in the experiment), whether the unit takes part (only then is an exposure recorded), whether the hash
 * decided it (false when forced), the hash value, why, in words, the attribute hashed (the fallback attribute when
 * it stood in) and whether a stored sticky bucket decided it.
 */
public record Decision(int variation, String variantKey, Value value, boolean inExperiment, boolean hashUsed,
    String hashValue, String reason, String hashAttribute, boolean stickyBucketUsed) {

  public Decision(int variation, String variantKey, Value value, boolean inExperiment, boolean hashUsed, String hashValue, String reason) {
    this(variation, variantKey, value, inExperiment, hashUsed, hashValue, reason, null, false);
  }
}
