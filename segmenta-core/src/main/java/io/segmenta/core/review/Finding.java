package io.segmenta.core.review;

import java.util.Objects;

/** A reason to revisit a segment, with what shows it (numbers for people, no personal data). */
public record Finding(String segment, Reason reason, String detail) {
  /** Why a segment is listed. */
  public enum Reason {
    STALE("stale"), SHRINKING("shrinking fast"), GROWING("growing fast"), DRIFTING("drifting"), TOO_SMALL("too small to act on"),
    OVERLAPPING("overlaps heavily with another"), NEVER_ACTED_ON("never acted on");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Finding {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(reason, "reason");
    detail = detail == null ? "" : detail;
  }
}
