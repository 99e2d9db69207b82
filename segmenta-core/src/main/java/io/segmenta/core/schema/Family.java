package io.segmenta.core.schema;

import java.util.Locale;

/**
 * The families of profile traits the segmentation literature uses, plus contact details, the user's own, and
 * the traits Segmenta derives: computed from a profile's own events, or scored against everyone's.
 */
public enum Family {
  CONTACT,
  DEMOGRAPHIC,
  GEOGRAPHIC,
  PSYCHOGRAPHIC,
  TECHNOGRAPHIC,
  CUSTOM,
  /** Derived from a profile's events at the rule's "as of" whenever read; never stored, never stale. */
  COMPUTED,
  /** Scored against the whole population (RFM, predicted CLV); stored with the "as of" they were scored at. */
  SCORE,
  /** Given by a decision request (page, traffic source, session intent); exists only in decision rules, never stored. */
  CONTEXT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Family parse(String s) {
    for (Family f : values()) {
      if (f.name().equalsIgnoreCase(s)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown trait family '" + s + "', expected contact, demographic, geographic, psychographic, technographic or custom");
  }
}
