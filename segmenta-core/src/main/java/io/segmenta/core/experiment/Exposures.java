package io.segmenta.core.experiment;

import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assigns a profile (known or not yet) or an anonymous visitor to a running experiment and records the exposure. The unit's
 * attributes are its stored traits plus its id ({@code id}: the profile id, or the anonymous id) plus whatever the
 * caller adds (the page's context, say); a segment target is decided on the profile's history at the moment of the
 * call. Only a unit in the experiment is exposed, and the exposure event's id is derived from the experiment and the
 * unit, so calling again records nothing new: the unit's first exposure, which the analysis reads, stays the first.
 */
public final class Exposures {
  private final Profiles profiles;
  private final Segments segments;
  private final Clock clock;

  public Exposures(Profiles profiles, Segments segments, Clock clock) {
    this.profiles = profiles;
    this.segments = segments;
    this.clock = clock;
  }

  /**
   * The outcome of one call, whether it recorded a new exposure, and whether the unit is a user id the store had no
   * profile for (assigned on its id alone).
   */
  public record Outcome(String experiment, String unit, Decision decision, boolean recorded, boolean newProfile) {}

  public Outcome assign(Experiment e, String profileId, String anonymousId, Map<String, Value> context, boolean record) {
    if ((profileId == null) == (anonymousId == null)) {
      throw new UserException("assign a profile id or an anonymous id (exactly one)");
    }
    Instant now = clock.instant();
    // A user id the store has not seen yet is assigned like any other, as a GrowthBook SDK assigns whatever id it is
    // given: the hash needs only the id. It has no traits and belongs to no segment; recording its exposure creates
    // the profile, as any event for a new user id does.
    Optional<ProfileHistory> history = profileId == null ? Optional.empty() : profiles.history(profileId);
    Map<String, Value> attributes = new LinkedHashMap<>();
    history.ifPresent(h -> attributes.putAll(h.profile().traits()));
    attributes.putAll(context);
    String unit = profileId != null ? profileId : anonymousId;
    attributes.put("id", new Value.Str(unit));
    Evaluator evaluator = Evaluator.strict(now, segments.resolver());
    // The unit's recorded exposures are its sticky-bucket store: what it was given, under which bucket version.
    Unit u = Unit.of(new Value.ObjectValue(attributes), name -> history.isPresent() && inSegment(segments, evaluator, name, history.get()))
        .withStickyAssignments(history.map(h -> stickyAssignments(e, h)).orElse(Map.of()));
    Decision d = Assignment.decide(e, u);
    boolean recorded = false;
    if (record && d.inExperiment() && running(e, now)) {
      recorded = profiles.write(new Batch(List.of(), List.of(exposure(e, profileId, anonymousId, d.variantKey(), now)))).eventsWritten() > 0;
    }
    return new Outcome(e.key(), unit, d, recorded, profileId != null && history.isEmpty());
  }

  /** Whether the experiment is between its start and stop at {@code now}. */
  public static boolean running(Experiment e, Instant now) {
    return (e.start() == null || !now.isBefore(e.start())) && (e.stop() == null || now.isBefore(e.stop()));
  }

  /**
   * The exposure event of a unit (a profile, or else an anonymous visitor): its id comes from the experiment, its
   * bucket version (from 1 on, as {@code #version}) and the unit, so a unit's first exposure under a bucket version
   * stays the first however often it is recorded, and a new bucket version records a new one.
   */
  public static Event exposure(Experiment e, String profileId, String anonymousId, String variantKey, Instant now) {
    String unit = profileId != null ? profileId : anonymousId;
    int version = e.allocation().sticky().bucketVersion();
    return new Event("exp:" + e.key() + (version > 0 ? "#" + version : "") + ":" + (profileId != null ? "p:" : "a:") + unit, profileId, anonymousId,
        Experiment.EXPOSURE_EVENT, now, Map.of("experiment_id", new Value.Str(e.key()), "variation_id", new Value.Str(variantKey)), List.of());
  }

  /**
   * The event saying that {@code by} (what was shown instead, such as {@code campaign:KEY}) held a profile out of a
   * running experiment that would have given it {@code variantKey}: its id comes from the experiment, its bucket
   * version, {@code by} and the profile, so a person is counted once however often they are held out.
   */
  public static Event heldOut(Experiment e, String profileId, String by, String variantKey, Instant now) {
    int version = e.allocation().sticky().bucketVersion();
    return new Event("held:" + e.key() + (version > 0 ? "#" + version : "") + ":" + by + ":p:" + profileId, profileId, null,
        Experiment.HELD_OUT_EVENT, now, Map.of("experiment_id", new Value.Str(e.key()), "variation_id", new Value.Str(variantKey),
        "campaign", new Value.Str(by)), List.of());
  }

  /**
   * A profile's sticky buckets for one experiment, in GrowthBook's form ({@code key__version} to variation key),
   * read from its exposures: the bucket version is in the id of the exposures Segmenta records; an exposure recorded
   * elsewhere (a tracking call, an import) counts as version 0. The first exposure of each version wins.
   */
  static Map<String, String> stickyAssignments(Experiment e, ProfileHistory h) {
    Map<String, String> out = new LinkedHashMap<>();
    Value key = new Value.Str(e.key());
    String prefix = "exp:" + e.key();
    for (Event x : h.events()) {
      if (!x.type().equals(Experiment.EXPOSURE_EVENT) || !key.equals(x.property("experiment_id")) || !(x.property("variation_id") instanceof Value.Str v)) {
        continue;
      }
      int version = 0;
      String id = x.id();
      if (id.startsWith(prefix + "#")) {
        int colon = id.indexOf(':', prefix.length());
        try {
          version = Integer.parseInt(id.substring(prefix.length() + 1, colon < 0 ? id.length() : colon));
        } catch (NumberFormatException ignored) {
          version = 0;
        }
      }
      out.putIfAbsent(e.allocation().sticky().assignmentKey(e.key(), version), v.value());
    }
    return out;
  }

  private static boolean inSegment(Segments segments, Evaluator evaluator, String name, ProfileHistory h) {
    Rule r = segments.resolver().find(name).orElseThrow(() -> new UserException("the experiment targets segment '" + name + "', which is not saved"));
    return evaluator.matches(r, h);
  }

  /** A saved experiment, or a clear error. */
  public static Experiment require(Definitions<Experiment> experiments, String key) {
    return experiments.find(key).orElseThrow(() -> new UserException("there is no experiment '" + key + "'"
        + (experiments.all().isEmpty() ? "; create one with 'segmenta experiment create'" : "; known: "
        + experiments.all().stream().map(Experiment::key).toList())));
  }
}
