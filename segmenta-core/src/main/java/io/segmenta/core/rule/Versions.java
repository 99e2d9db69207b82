package io.segmenta.core.rule;

import io.segmenta.core.value.Value;

/** Version strings made comparable as plain strings, exactly as GrowthBook's SDKs compare them. */
public final class Versions {
  private Versions() {}

  /** GrowthBook's paddedVersionString of a value. */
  public static String padded(Value v) {
    return Js.paddedVersion(v);
  }
}
