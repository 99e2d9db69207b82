package io.segmenta.core.experiment;

import io.segmenta.core.value.Value;

/**
 * The outcome of assigning one unit: the variation shown (index, key and value; the first variation when the unit
 * is not in the experiment), whether the unit takes part (only then is an exposure recorded), whether the hash
 * decided it (false when forced), the hash value, and why, in words.
 */
public record Decision(int variation, String variantKey, Value value, boolean inExperiment, boolean hashUsed,
    String hashValue, String reason) {}
