package io.segmenta.core.schema;

/** The families of profile traits the segmentation literature uses, plus contact details and the user's own. */
public enum Family {
  CONTACT,
  DEMOGRAPHIC,
  GEOGRAPHIC,
  PSYCHOGRAPHIC,
  TECHNOGRAPHIC,
  CUSTOM;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
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
