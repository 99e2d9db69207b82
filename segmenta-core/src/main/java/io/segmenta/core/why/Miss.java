package io.segmenta.core.why;

import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * One condition that would have to change for a profile that is out to be in: what it reads ({@code subject}, e.g.
 * "order in the last 90 days"), the value it has ({@code actual}, empty when missing; identifiers may be several),
 * what it needs (e.g. "at least 2"), and how far off it is, from 0 (just missed) to 1 (as far as can be told).
 */
public record Miss(String condition, String subject, List<Value> actual, String needs, double distance) {
  public Miss {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(subject, "subject");
    actual = List.copyOf(actual);
    Objects.requireNonNull(needs, "needs");
  }

  /** "order: 1 in the last 90 days; needs at least 2". */
  public String sentence() {
    return subject + " is " + TraceText.values(actual) + "; needs " + needs;
  }
}
