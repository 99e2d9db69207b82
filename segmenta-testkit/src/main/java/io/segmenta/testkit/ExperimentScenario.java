package io.segmenta.testkit;

import io.segmenta.core.experiment.Allocation;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.Decision;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Targeting;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.experiment.Variant;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A synthetic A/B test with a known answer, for tests and demos: visitors in five countries are assigned by
 * GrowthBook-compatible hashing (so the split is the real one, with its noise), exposed once or twice, and convert
 * (an order within the window) at a base rate of 10 %; the treatment lifts conversion to {@code 10 % × (1 + lift)}
 * in one country only and changes nothing elsewhere, and it raises returns by a third for everyone (a guardrail
 * that should fire). Seeded: the same seed writes the same events.
 */
public final class ExperimentScenario {
  public static final String KEY = "checkout-banner";
  public static final String[] COUNTRIES = {"DK", "SE", "NO", "NL", "FI"};
  public static final Instant START = Instant.parse("2025-05-01T00:00:00Z");
  public static final Instant STOP = Instant.parse("2025-06-01T00:00:00Z");

  private final long seed;
  private final int visitors;
  private final String liftCountry;
  private final double lift;

  public ExperimentScenario(long seed, int visitors, String liftCountry, double lift) {
    this.seed = seed;
    this.visitors = visitors;
    this.liftCountry = liftCountry;
    this.lift = lift;
  }

  /** The experiment as its owner would define it (hash version 2, equal split, 14-day window). */
  public static Experiment experiment() {
    return new Experiment(KEY, "a banner at checkout", Allocation.split(List.of(new Variant("control", 0.5, Value.NULL),
        new Variant("banner", 0.5, Value.NULL))), Targeting.EVERYONE, List.of(), Duration.ofDays(14), null, START, STOP);
  }

  /** Writes profiles (with a country trait) and their exposure, order and return events, in time order per person. */
  public void write(Consumer<Profile> profiles, Consumer<Event> events) {
    SplittableRandom r = new SplittableRandom(seed);
    Experiment e = experiment();
    long span = Duration.between(START, STOP).getSeconds();
    for (int i = 0; i < visitors; i++) {
      String id = "v" + i;
      String country = COUNTRIES[r.nextInt(COUNTRIES.length)];
      profiles.accept(new Profile(id, List.of(), Map.of("country", new Value.Str(country))));
      Decision d = Assignment.decide(e, Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str(id)))));
      Instant t0 = START.plusSeconds(r.nextLong(span - 86400));
      int exposures = r.nextDouble() < 0.3 ? 2 : 1;
      for (int k = 0; k < exposures; k++) {
        Instant t = t0.plusSeconds(k * (3600L + r.nextInt(86400)));
        events.accept(new Event("xv-" + id + "-" + k, id, null, Experiment.EXPOSURE_EVENT, t,
            Map.of("experiment_id", new Value.Str(KEY), "variation_id", new Value.Str(d.variantKey())), List.of()));
      }
      boolean treated = d.variantKey().equals("banner");
      double p = 0.10 * (treated && country.equals(liftCountry) ? 1 + lift : 1);
      if (r.nextDouble() < p) {
        Instant t = t0.plusSeconds(600 + r.nextLong(10L * 86400));
        double revenue = Math.round((20 + r.nextDouble() * 180) * 100) / 100.0;
        events.accept(new Event("xo-" + id, id, null, "order", t, Map.of("order_id", new Value.Str("xo-" + id), "revenue", new Value.Num(revenue)), List.of()));
        if (r.nextDouble() < (treated ? 0.20 : 0.15)) {
          events.accept(new Event("xr-" + id, id, null, "return", t.plus(Duration.ofDays(2)), Map.of("order_id", new Value.Str("xo-" + id), "value", new Value.Num(revenue)), List.of()));
        }
      }
    }
  }
}
