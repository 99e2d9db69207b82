package io.segmenta.core.experiment;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.rule.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.HashSet;
import java.util.Set;

/**
 * An A/B test: who is eligible ({@link Targeting}), how eligible units are split ({@link Allocation}), what is
 * measured ({@link Metric}s, over {@code window} after each unit's first exposure), which exposure events count
 * ({@code exposureFilter}, a condition on the exposure event's properties, e.g. that the page shown was the variant
 * assigned), and when it runs ({@code start} inclusive, {@code stop} exclusive; either may be open). The first
 * variant is the control every other variant is compared with. {@code name} and {@code phase} are GrowthBook's
 * display name and phase id, kept as given (neither changes assignment).
 */
public record Experiment(String key, String description, Allocation allocation, Targeting targeting,
    List<Metric> metrics, Duration window, Rule exposureFilter, Instant start, Instant stop, String name, String phase) {

  /** The event type an exposure is recorded as (Segment's "Experiment Viewed"). */
  public static final String EXPOSURE_EVENT = "experiment_viewed";

  /**
   * The event type recorded when something else (a campaign's takeover of the experiment's placement) holds a person
   * out of a running experiment that would have taken them in: the report counts these people, who are no units.
   */
  public static final String HELD_OUT_EVENT = "experiment_held_out";

  public Experiment {
    checkArgument(key != null && key.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,99}"),
        "experiment key must be 1-100 letters, digits, '_', '-' or '.', starting with a letter or digit, got '%s'", key);
    Objects.requireNonNull(allocation, "allocation");
    targeting = targeting == null ? Targeting.EVERYONE : targeting;
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(window, "window");
    checkArgument(!window.isNegative() && !window.isZero(), "window must be positive, got %s", window);
    checkArgument(start == null || stop == null || start.isBefore(stop), "start must be before stop, got %s and %s", start, stop);
    Set<String> names = new HashSet<>();
    for (Metric m : metrics) {
      checkArgument(names.add(m.name()), "metric names must be unique, '%s' appears twice", m.name());
    }
  }

  /** Without GrowthBook's display name and phase. */
  public Experiment(String key, String description, Allocation allocation, Targeting targeting,
      List<Metric> metrics, Duration window, Rule exposureFilter, Instant start, Instant stop) {
    this(key, description, allocation, targeting, metrics, window, exposureFilter, start, stop, null, null);
  }

  /** The control: the first variant. */
  public Variant control() {
    return allocation.variants().get(0);
  }

  public Experiment withMetrics(List<Metric> m) {
    return new Experiment(key, description, allocation, targeting, m, window, exposureFilter, start, stop, name, phase);
  }

  public Experiment withStop(Instant s) {
    return new Experiment(key, description, allocation, targeting, metrics, window, exposureFilter, start, s, name, phase);
  }
}
