package io.segmenta.core.deletion;

import io.segmenta.core.UserException;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.history.SegmentHistory;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.Step;
import io.segmenta.core.journey.Trigger;
import io.segmenta.core.personalize.Content;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.realtime.MembershipLog;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Deleting a saved segment, the one path the CLI ({@code segmenta segment delete}) and the admin API
 * ({@code DELETE /admin/segments/{name}}) both take; and the one answer to "what refers to this segment", which the
 * segment page's "what uses it" and the review's "never acted on" read too.
 *
 * <p>Why refuse. A segment that another segment, a placement's content or an experiment (its targeting, exposure
 * filter or metrics) refers to cannot be deleted: the referrer would fail at its next evaluation (a decision reload,
 * an analysis) far from the edit that broke it. The references are read from the rules' syntax trees
 * ({@link SegmentReferences}), so a segment name inside a string value, or one name a prefix of another, is not
 * mistaken for a reference. Journeys (trigger, schedule, goal, exits, branch and wait rules), destinations and
 * campaigns refer to a segment too: a journey would stop entering anyone, a destination would fail its next sync.
 * A real-time segment stops being tracked (the running feed first, through
 * {@code untrack}; then the store's flag) before its definition goes, so no membership change is made for a
 * segment that no longer exists. Its membership history goes with the definition: a later segment of the same name
 * starts a history of its own.
 */
public final class SegmentDeletion {
  /** What refers to a segment: its kind ({@code segment}, {@code placement}, {@code experiment}), name and where. */
  public record Referrer(String kind, String name, String where) {
    @Override
    public String toString() {
      return kind + " '" + name + "'" + (where == null ? "" : " (" + where + ")");
    }
  }

  /** A deletion refused because the segment is in use; the message names every referrer. */
  public static final class InUse extends UserException {
    private static final long serialVersionUID = 1L;
    private final transient List<Referrer> referrers;

    InUse(String segment, List<Referrer> referrers) {
      super(referrers.stream().map(r -> r + " refers to '" + segment + "'").collect(Collectors.joining("; "))
          + "; change or delete " + (referrers.size() == 1 ? "it" : "them") + " first");
      this.referrers = List.copyOf(referrers);
    }

    public List<Referrer> referrers() {
      return referrers;
    }
  }

  /** The definitions that may refer to a segment, each read through its own role. */
  public record Referring(Definitions<SegmentDefinition> segments, Definitions<Placement> placements, Definitions<Experiment> experiments,
      Definitions<Journey> journeys, Definitions<Destination> destinations, Definitions<Campaign> campaigns) {
    public Referring {
      Objects.requireNonNull(segments, "segments");
      Objects.requireNonNull(placements, "placements");
      Objects.requireNonNull(experiments, "experiments");
      Objects.requireNonNull(journeys, "journeys");
      Objects.requireNonNull(destinations, "destinations");
      Objects.requireNonNull(campaigns, "campaigns");
    }
  }

  private final Referring referring;
  private final Definitions<SegmentDefinition> definitions;
  private final MembershipLog membership;
  private final SegmentHistory history;
  private final Consumer<String> untrack;

  /**
   * Deletion over the store's roles; {@code untrack} stops a running real-time feed tracking the segment (none for the
   * CLI). {@code Store.segmentDeletion} builds one.
   */
  public SegmentDeletion(Referring referring, MembershipLog membership, SegmentHistory history, Consumer<String> untrack) {
    this.referring = Objects.requireNonNull(referring, "referring");
    this.definitions = referring.segments();
    this.membership = Objects.requireNonNull(membership, "membership");
    this.history = Objects.requireNonNull(history, "history");
    this.untrack = Objects.requireNonNull(untrack, "untrack");
  }

  /** Everything that refers to the segment, in the order segments, placements, experiments, journeys, destinations, campaigns. */
  public List<Referrer> referrers(String segment) {
    List<Referrer> out = new ArrayList<>();
    for (SegmentDefinition d : definitions.all()) {
      if (!d.name().equals(segment) && SegmentReferences.in(parsed(d.rule()), segment)) {
        out.add(new Referrer("segment", d.name(), null));
      }
    }
    for (Placement p : referring.placements().all()) {
      List<Content> contents = new ArrayList<>(p.contents());
      contents.add(p.fallback());
      for (Content c : contents) {
        if (c != null && SegmentReferences.in(parsed(c.rule()), segment)) {
          out.add(new Referrer("placement", p.key(), "content '" + c.key() + "'"));
        }
      }
    }
    for (Experiment e : referring.experiments().all()) {
      List<String> where = new ArrayList<>();
      if (e.targeting() != null && (segment.equals(e.targeting().segment()) || SegmentReferences.in(e.targeting().condition(), segment))) {
        where.add("targeting");
      }
      if (SegmentReferences.in(e.exposureFilter(), segment)) {
        where.add("exposure filter");
      }
      for (Metric m : e.metrics()) {
        if (SegmentReferences.in(m.measure(), segment)) {
          where.add("metric '" + m.name() + "'");
        }
      }
      if (!where.isEmpty()) {
        out.add(new Referrer("experiment", e.key(), String.join(", ", where)));
      }
    }
    for (Journey j : referring.journeys().all()) {
      List<String> where = journeyUses(j, segment);
      if (!where.isEmpty()) {
        out.add(new Referrer("journey", j.key(), String.join(", ", where)));
      }
    }
    for (Destination d : referring.destinations().all()) {
      if (segment.equals(d.segment())) {
        out.add(new Referrer("destination", d.key(), "its audience"));
      }
    }
    for (Campaign c : referring.campaigns().all()) {
      if (segment.equals(c.segment())) {
        out.add(new Referrer("campaign", c.key(), "its audience"));
      }
    }
    return out;
  }

  /**
   * Deletes the segment: refused with {@link InUse} while anything refers to it; its real-time tracking stops first.
   * Returns whether there was such a segment.
   */
  public boolean delete(String segment) {
    if (definitions.find(segment).isEmpty()) {
      return false;
    }
    List<Referrer> referrers = referrers(segment);
    if (!referrers.isEmpty()) {
      throw new InUse(segment, referrers);
    }
    if (membership.realtimeSegments().contains(segment)) {
      untrack.accept(segment);
      membership.setRealtime(segment, false);
    }
    boolean deleted = definitions.delete(segment);
    history.forget(segment);
    return deleted;
  }

  /** Where a journey names the segment: its trigger, goal, exits, and the rules of its branch and wait steps. */
  private static List<String> journeyUses(Journey j, String segment) {
    List<String> where = new ArrayList<>();
    if (j.trigger() instanceof Trigger.OnSegment t && t.segment().equals(segment)) {
      where.add("trigger");
    } else if (j.trigger() instanceof Trigger.OnSchedule t && t.segment().equals(segment)) {
      where.add("schedule");
    }
    if (SegmentReferences.in(parsed(j.goal()), segment)) {
      where.add("goal");
    }
    for (String exit : j.exits()) {
      if (SegmentReferences.in(parsed(exit), segment)) {
        where.add("exit");
        break;
      }
    }
    for (Step step : j.steps()) {
      if (step instanceof Step.Branch b && SegmentReferences.in(parsed(b.rule()), segment)) {
        where.add("branch '" + b.id() + "'");
      } else if (step instanceof Step.WaitFor w && SegmentReferences.in(parsed(w.rule()), segment)) {
        where.add("wait '" + w.id() + "'");
      }
    }
    return where;
  }

  /** A stored rule's tree; an empty rule (content for everyone) or one that no longer parses refers to nothing. */
  private static Rule parsed(String rule) {
    if (rule == null || rule.isBlank()) {
      return null;
    }
    try {
      return RuleText.parseRule(rule);
    } catch (RuleException e) {
      return null;
    }
  }
}
