package io.segmenta.core.deletion;

import io.segmenta.core.UserException;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
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
 * ({@code DELETE /admin/segments/{name}}) both take.
 *
 * <p>Why refuse. A segment that another segment, a placement's content or an experiment (its targeting, exposure
 * filter or metrics) refers to cannot be deleted: the referrer would fail at its next evaluation (a decision reload,
 * an analysis) far from the edit that broke it. The references are read from the rules' syntax trees
 * ({@link SegmentReferences}), so a segment name inside a string value, or one name a prefix of another, is not
 * mistaken for a reference. A real-time segment stops being tracked (the running feed first, through
 * {@code untrack}; then the store's flag) before its definition goes, so no membership change is made for a
 * segment that no longer exists.
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

  private final Definitions<SegmentDefinition> definitions;
  private final Definitions<Placement> placements;
  private final Definitions<Experiment> experiments;
  private final MembershipLog membership;
  private final Consumer<String> untrack;

  /** Deletion over the store; {@code untrack} stops a running real-time feed tracking the segment (none for the CLI). */
  public SegmentDeletion(Definitions<SegmentDefinition> definitions, Definitions<Placement> placements, Definitions<Experiment> experiments,
      MembershipLog membership, Consumer<String> untrack) {
    this.definitions = Objects.requireNonNull(definitions, "definitions");
    this.placements = Objects.requireNonNull(placements, "placements");
    this.experiments = Objects.requireNonNull(experiments, "experiments");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.untrack = Objects.requireNonNull(untrack, "untrack");
  }

  /** Everything that refers to the segment, in the order segments, placements, experiments. */
  public List<Referrer> referrers(String segment) {
    List<Referrer> out = new ArrayList<>();
    for (SegmentDefinition d : definitions.all()) {
      if (!d.name().equals(segment) && SegmentReferences.in(parsed(d.rule()), segment)) {
        out.add(new Referrer("segment", d.name(), null));
      }
    }
    for (Placement p : placements.all()) {
      List<Content> contents = new ArrayList<>(p.contents());
      contents.add(p.fallback());
      for (Content c : contents) {
        if (c != null && SegmentReferences.in(parsed(c.rule()), segment)) {
          out.add(new Referrer("placement", p.key(), "content '" + c.key() + "'"));
        }
      }
    }
    for (Experiment e : experiments.all()) {
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
    return definitions.delete(segment);
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
