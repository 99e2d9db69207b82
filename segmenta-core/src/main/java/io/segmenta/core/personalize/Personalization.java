package io.segmenta.core.personalize;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The decision API's state, loaded from a store: the saved placements compiled into a {@link Personalizer}, the
 * {@link ProfileIndex} of what their rules read, and the recommendations to attach. Immutable once loaded; a server
 * reloads a new one on a schedule and swaps it in, keeping the {@link Sessions} (which outlive reloads).
 */
public final class Personalization {
  private final Personalizer personalizer;
  private final ProfileIndex index;
  private final Recommendations recommendations;
  private final Sessions sessions;
  private final Duration loadTime;

  private Personalization(Personalizer personalizer, ProfileIndex index, Recommendations recommendations, Sessions sessions, Duration loadTime) {
    this.personalizer = personalizer;
    this.index = index;
    this.recommendations = recommendations;
    this.sessions = sessions;
    this.loadTime = loadTime;
  }

  /**
   * Compiles the store's placements and loads what they read at {@code asOf}; {@code progress} hears the number of
   * profiles loaded.
   */
  public static Personalization load(Catalog catalog, Definitions<Placement> placements, Definitions<Experiment> experiments,
      Segments segments, Audiences audiences, Recommendations recommendations, Sessions sessions, Clock clock, LongConsumer progress) {
    long started = System.nanoTime();
    Instant asOf = clock.instant();
    Personalizer p = Personalizer.compile(placements.all(), catalog.schema(), segments.resolver(), experiments::find,
        Interests.DEFAULT_HALF_LIFE);
    ProfileIndex index = ProfileIndex.load(audiences, p.traits(), p.segments(), asOf, progress);
    return new Personalization(p, index, recommendations, sessions, Duration.ofNanos(System.nanoTime() - started));
  }

  /** No placements and nobody indexed: what a server serves before its first load succeeds. */
  public static Personalization empty(Sessions sessions) {
    Personalizer p = Personalizer.compile(List.of(), Schema.standard(), SegmentResolver.NONE,
        k -> Optional.empty(), Interests.DEFAULT_HALF_LIFE);
    return new Personalization(p, ProfileIndex.empty(), Recommendations.NONE, sessions, Duration.ZERO);
  }

  public Personalizer.Outcome decide(Personalizer.Request request, Instant now) {
    return personalizer.decide(request, index, sessions, recommendations, now);
  }

  /** As {@link #decide(Personalizer.Request, Instant)}, with placements a person's campaign takes over (no exposure there). */
  public Personalizer.Outcome decide(Personalizer.Request request, Instant now, Function<String, Optional<Personalizer.Takeover>> takeovers) {
    return personalizer.decide(request, index, sessions, recommendations, now, takeovers);
  }

  public Personalizer personalizer() {
    return personalizer;
  }

  public ProfileIndex index() {
    return index;
  }

  public Sessions sessions() {
    return sessions;
  }

  public Recommendations recommendations() {
    return recommendations;
  }

  /** How long the load took (compiling and reading every profile). */
  public Duration loadTime() {
    return loadTime;
  }
}
