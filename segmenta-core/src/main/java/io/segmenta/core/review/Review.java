package io.segmenta.core.review;

import io.segmenta.core.history.SegmentHistory;
import io.segmenta.core.history.SizePoint;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.stats.PopulationStability;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which saved segments to revisit and why ({@link Finding.Reason}): the review the articles ask for every quarter or
 * when the market moves. Sizes and pairwise overlaps now come from one pass over the events
 * ({@link Audiences#segmentTotals}); sizes a window ago from the membership history (or, before it begins, from
 * the events); composition from {@link Drift}; what uses a segment from {@code uses} (journeys, audiences,
 * placements, experiments: each feature that can act on a segment names itself).
 */
public final class Review {
  /**
   * The thresholds: data older than {@code staleAfter} is stale; a size change over {@code window} of at least
   * {@code fastChange} (relative) is fast; fewer than {@code minSize} members is too small to act on (and too few for
   * the other statistics); two segments sharing at least {@code overlapShare} of the smaller one overlap heavily.
   */
  public record Settings(Duration staleAfter, Duration window, double fastChange, long minSize, double overlapShare) {
    public static final Settings DEFAULT = new Settings(Duration.ofDays(7), Duration.ofDays(90), 0.3, 100, 0.8);
  }

  private final Definitions<SegmentDefinition> definitions;
  private final Audiences audiences;
  private final SegmentHistory history;
  private final Function<String, List<String>> uses;
  private final Settings settings;

  /**
   * A review over the store's roles; {@code uses} names what acts on a segment (e.g. "journey welcome"), empty when
   * nothing does.
   */
  public Review(Definitions<SegmentDefinition> definitions, Audiences audiences, SegmentHistory history, Function<String, List<String>> uses,
      Settings settings) {
    this.definitions = definitions;
    this.audiences = audiences;
    this.history = history;
    this.uses = uses;
    this.settings = settings;
  }

  /** Every finding at {@code now}, by segment name then reason; {@code lastEvent} is the store's latest event (null: none). */
  public List<Finding> findings(Instant now, Instant lastEvent) {
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (SegmentDefinition d : definitions.all()) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
    }
    if (rules.isEmpty()) {
      return List.of();
    }
    SegmentTotals totals = audiences.segmentTotals(rules, now, List.of(), List.of());
    List<String> names = totals.names();
    Drift drift = new Drift(audiences, Drift.STANDARD, Math.max(settings.minSize(), Drift.MIN_MEMBERS));
    Instant then = now.minus(settings.window());
    List<Finding> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      long size = totals.both()[i][i];
      stale(name, now, lastEvent).ifPresent(out::add);
      long before = sizeAt(name, rules.get(name), then);
      if (before >= settings.minSize() || size >= settings.minSize()) {
        double change = before == 0 ? Double.POSITIVE_INFINITY : (size - before) / (double) before;
        if (change <= -settings.fastChange()) {
          out.add(new Finding(name, Finding.Reason.SHRINKING, String.format(Locale.ROOT, "%d members, %d %d days ago (%+.0f%%)", size, before,
              settings.window().toDays(), 100 * change)));
        } else if (change >= settings.fastChange()) {
          out.add(new Finding(name, Finding.Reason.GROWING, String.format(Locale.ROOT, "%d members, %d %d days ago (%s)", size, before,
              settings.window().toDays(), Double.isInfinite(change) ? "from none" : String.format(Locale.ROOT, "%+.0f%%", 100 * change))));
        }
      }
      if (size < settings.minSize()) {
        out.add(new Finding(name, Finding.Reason.TOO_SMALL, size + " members, fewer than " + settings.minSize()));
      } else {
        Drift.Report d = drift.compare(name, rules.get(name), then, now);
        PopulationStability.Level worst = d.worst();
        if (worst == PopulationStability.Level.MODERATE || worst == PopulationStability.Level.MAJOR) {
          StringBuilder detail = new StringBuilder(worst == PopulationStability.Level.MAJOR ? "major shift:" : "moderate shift:");
          for (Drift.Shift s : d.shifts()) {
            if (s.stability().computed() && s.stability().psi() >= PopulationStability.MODERATE_FROM) {
              detail.append(String.format(Locale.ROOT, " %s PSI %.3f", s.column().trait(), s.stability().psi()));
              mostMoved(s).ifPresent(bin -> detail.append(", most in '").append(bin).append("'"));
            }
          }
          out.add(new Finding(name, Finding.Reason.DRIFTING, detail.toString()));
        }
      }
      for (int j = 0; j < names.size(); j++) {
        long other = totals.both()[j][j];
        long shared = totals.both()[i][j];
        // Reported on the smaller of the two (ties: the first by name), which the larger nearly contains.
        boolean smaller = size < other || size == other && name.compareTo(names.get(j)) < 0;
        if (j != i && smaller && size >= settings.minSize() && shared >= settings.overlapShare() * size) {
          out.add(new Finding(name, Finding.Reason.OVERLAPPING, String.format(Locale.ROOT, "%.0f%% of its %d members are in '%s'", 100.0 * shared / size,
              size, names.get(j))));
        }
      }
      if (uses.apply(name).isEmpty()) {
        out.add(new Finding(name, Finding.Reason.NEVER_ACTED_ON, "no journey, audience, placement or experiment uses it"));
      }
    }
    out.sort((a, b) -> a.segment().equals(b.segment()) ? a.reason().compareTo(b.reason()) : a.segment().compareTo(b.segment()));
    return out;
  }

  private Optional<Finding> stale(String name, Instant now, Instant lastEvent) {
    if (lastEvent == null) {
      return Optional.of(new Finding(name, Finding.Reason.STALE, "the store holds no events"));
    }
    if (Duration.between(lastEvent, now).compareTo(settings.staleAfter()) > 0) {
      return Optional.of(new Finding(name, Finding.Reason.STALE, "the latest event is " + Duration.between(lastEvent, now).toDays() + " days old"));
    }
    Optional<Instant> last = history.lastRecompute(name);
    if (last.isPresent() && Duration.between(last.get(), now).compareTo(settings.staleAfter()) > 0) {
      return Optional.of(new Finding(name, Finding.Reason.STALE, "its history was last recomputed " + Duration.between(last.get(), now).toDays()
          + " days ago"));
    }
    return Optional.empty();
  }

  /** A category column's bin that moved the index most (numbers' decile bins are not named). */
  private static Optional<String> mostMoved(Drift.Shift s) {
    double[] parts = s.stability().contributions();
    if (s.bins().size() != parts.length || parts.length == 0) {
      return Optional.empty();
    }
    int most = 0;
    for (int i = 1; i < parts.length; i++) {
      most = parts[i] > parts[most] ? i : most;
    }
    return Optional.of(s.bins().get(most));
  }

  /** The size at {@code t}: from the history or its backfill, else from the events. */
  private long sizeAt(String name, Rule rule, Instant t) {
    SizePoint p = history.sizes(name, List.of(t)).get(0);
    return p.source() != SizePoint.Source.NONE ? p.size() : history.sizesFromEvents(rule, List.of(t)).get(0);
  }
}
