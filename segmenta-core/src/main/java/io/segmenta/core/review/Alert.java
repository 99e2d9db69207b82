package io.segmenta.core.review;

import java.time.Instant;
import java.util.Objects;

/** A finding kept for the web app and sent on: when it was raised, about which segment, why. */
public record Alert(Instant at, String segment, Finding.Reason reason, String detail) {
  public Alert {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(reason, "reason");
    detail = detail == null ? "" : detail;
  }

  public static Alert of(Finding f, Instant at) {
    return new Alert(at, f.segment(), f.reason(), f.detail());
  }
}
