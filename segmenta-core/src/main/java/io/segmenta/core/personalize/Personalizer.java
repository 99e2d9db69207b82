package io.segmenta.core.personalize;

import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.Decision;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Exposures;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.model.Event;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.TypeChecker;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import io.segmenta.core.experiment.Variant;
import io.segmenta.core.value.json.JsonValues;

/**
 * Decides what one visitor sees in each placement, now. Placements are compiled once ({@link #compile}): every
 * content rule is parsed and type-checked against the store's schema plus the request's context traits
 * ({@link RequestContext#extend}), and the traits and saved segments the rules read are what the
 * {@link ProfileIndex} loads. A decision then only reads memory: the profile's loaded traits and memberships, the
 * session's clicks (for intent and interests), and the request.
 *
 * <p>Aggregates over events ({@code count(order in last 30 days) > 2}) are refused in content rules: a decision
 * cannot scan events within its budget. Saved as a segment they are precomputed, and real-time segments stay exact
 * as events arrive.
 *
 * <p>Consent ({@link ConsentPolicy}): a known profile follows its recorded choice for {@link Purpose#PERSONALIZATION}
 * (opt-in, so no record means no); an identified visitor the index does not know yet is personalized only when the
 * request says the visitor consented; an anonymous visitor is personalized from the session's own clicks unless the
 * request says they declined. Without consent every placement shows its fallback, and no recommendations are made.
 */
public final class Personalizer {
  private final List<Compiled> placements;
  private final Map<String, Compiled> byKey = new HashMap<>();
  private final Function<String, Optional<Experiment>> experiments;
  private final List<String> traits;
  private final Map<String, Rule> segments;
  private final Duration halfLife;
  private final Evaluator evaluator = Evaluator.strict(Instant.EPOCH, SegmentResolver.NONE);
  private static final String FIRST_MATCHED = "first content whose rule matched";
  private static final String FIRST_FOR_EVERYONE = "first content whose rule matched (for everyone)";
  private static final String NONE_MATCHED = "no content's rule matched: default content";

  /** A content with its compiled rule and its payload rendered as JSON once, not on every decision. */
  private record Candidate(Content content, Rule rule, String payloadJson) {
    static Candidate of(Content c, Rule rule) {
      return new Candidate(c, rule, JsonValues.toJsonText(c.payload()));
    }
  }

  private record Compiled(Placement placement, List<Candidate> candidates, Map<String, Candidate> byKey, Candidate fallback) {}

  /** What a visitor asked for: who, where they are, what they clicked, and which placements (none: all). */
  public record Request(String userId, String anonymousId, RequestContext context, List<Click> clicks, Boolean consent,
      List<String> placements) {
    public Request {
      if ((userId == null || userId.isBlank()) && (anonymousId == null || anonymousId.isBlank())) {
        throw new UserException("a decision needs a userId or an anonymousId");
      }
      context = context == null ? RequestContext.NONE : context;
      clicks = clicks == null ? List.of() : List.copyOf(clicks);
      placements = placements == null ? List.of() : List.copyOf(placements);
    }
  }

  /**
   * What one placement shows and why.
   *
   * @param rule the content's rule when one matched, for explaining the choice to the marketer
   * @param variant the experiment variant, when the choice came from one
   * @param payloadJson the payload as JSON text (rendered once when the placement was compiled)
   */
  public record Choice(String placement, String content, Value payload, String payloadJson, boolean fallback, String reason, String rule,
      String variant, List<Recommendations.Item> items) {
    public Choice {
      items = List.copyOf(items);
    }
  }

  /**
   * @param profileId the known profile, or null for an anonymous visitor
   * @param exposures experiment exposures, and people a takeover held out of an experiment ({@link Exposures#heldOut}),
   *     to record (the caller writes them)
   */
  public record Outcome(String profileId, boolean known, boolean personalized, Intent intent, String topInterest,
      List<String> interests, List<Choice> choices, List<Event> exposures) {}

  /**
   * Content that takes a placement over for one person before any strategy runs: a campaign's web variant (issue 17),
   * decided by the campaign arbitration, which this package does not know. A placement taken over runs no strategy, so
   * its experiment neither assigns nor exposes the person: they do not see its variants, and an exposure would count
   * them in the analysis with content they never saw.
   *
   * @param source what takes over, as the choice's content ({@code campaign:KEY})
   * @param payload the content's payload, and {@code payloadJson} the same as JSON text (handed to the page as is)
   * @param reason why, for the choice's reason
   */
  public record Takeover(String placement, String source, Value payload, String payloadJson, String reason) {
    public Takeover {
      Objects.requireNonNull(placement, "placement");
      Objects.requireNonNull(source, "source");
      payload = payload == null ? Value.NULL : payload;
      payloadJson = payloadJson == null ? "{}" : payloadJson;
    }
  }

  /** No placement is ever taken over. */
  public static final Function<String, Optional<Takeover>> NO_TAKEOVER = id -> Optional.empty();

  private Personalizer(List<Compiled> placements, Function<String, Optional<Experiment>> experiments, List<String> traits,
      Map<String, Rule> segments, Duration halfLife) {
    this.placements = List.copyOf(placements);
    for (Compiled c : placements) {
      byKey.put(c.placement().key(), c);
    }
    this.experiments = experiments;
    this.traits = List.copyOf(traits);
    this.segments = Map.copyOf(segments);
    this.halfLife = halfLife;
  }

  /**
   * Checks and compiles placements. Errors name the placement, the content and the rule's problem.
   *
   * @param schema the store's schema (context traits are added here)
   * @param saved the saved segments content rules may refer to
   * @param experiments experiments by key, for the experiment strategy
   */
  public static Personalizer compile(List<Placement> placements, Schema schema, SegmentResolver saved,
      Function<String, Optional<Experiment>> experiments, Duration halfLife) {
    Schema decision = RequestContext.extend(schema);
    TypeChecker checker = new TypeChecker(decision, saved);
    Set<String> traits = new LinkedHashSet<>();
    Map<String, Rule> segments = new LinkedHashMap<>();
    List<Compiled> compiled = new ArrayList<>();
    for (Placement p : placements) {
      List<Candidate> cs = new ArrayList<>();
      Map<String, Candidate> byKey = new HashMap<>();
      for (Content c : p.contents()) {
        String where = "placement '" + p.key() + "', content '" + c.key() + "'";
        Rule rule = null;
        if (!c.forEveryone()) {
          try {
            ParsedRule parsed = RuleText.parse(c.rule());
            checker.check(parsed);
            rule = parsed.rule();
          } catch (RuleException e) {
            throw new UserException(where + ": " + e.getMessage());
          }
          collect(rule, decision, saved, traits, segments, where);
        }
        Candidate cand = Candidate.of(c, rule);
        cs.add(cand);
        byKey.put(c.key(), cand);
      }
      if (p.strategy() == Placement.Strategy.EXPERIMENT) {
        Experiment e = experiments.apply(p.experiment()).orElseThrow(() -> new UserException("placement '" + p.key()
            + "' hands its choice to experiment '" + p.experiment() + "', which is not saved"));
        for (Variant v : e.allocation().variants()) {
          if (!byKey.containsKey(v.key()) && !p.fallback().key().equals(v.key())) {
            throw new UserException("placement '" + p.key() + "': experiment '" + e.key() + "' has variant '" + v.key()
                + "', but no content has that key; contents: " + byKey.keySet());
          }
        }
        String target = e.targeting().segment();
        if (target != null) {
          segments.put(target, saved.find(target).orElseThrow(() -> new UserException("experiment '" + e.key()
              + "' targets segment '" + target + "', which is not saved")));
        }
      }
      compiled.add(new Compiled(p, cs, byKey, Candidate.of(p.fallback(), null)));
    }
    return new Personalizer(compiled, experiments, new ArrayList<>(traits), segments, halfLife);
  }

  /** Profile traits (stored or computed) the rules read: what the index must load. */
  public List<String> traits() {
    return traits;
  }

  /** Saved segments the rules refer to, with their rules: what the index must know membership of. */
  public Map<String, Rule> segments() {
    return segments;
  }

  public List<Placement> placements() {
    return placements.stream().map(Compiled::placement).toList();
  }

  private static void collect(Rule r, Schema decision, SegmentResolver saved, Set<String> traits, Map<String, Rule> segments, String where) {
    if (r instanceof Rule.And a) {
      a.rules().forEach(x -> collect(x, decision, saved, traits, segments, where));
    } else if (r instanceof Rule.Or o) {
      o.rules().forEach(x -> collect(x, decision, saved, traits, segments, where));
    } else if (r instanceof Rule.Nor n) {
      n.rules().forEach(x -> collect(x, decision, saved, traits, segments, where));
    } else if (r instanceof Rule.Not n) {
      collect(n.rule(), decision, saved, traits, segments, where);
    } else if (r instanceof Rule.SegmentRef s) {
      segments.put(s.name(), saved.find(s.name()).orElseThrow());
    } else if (r instanceof Rule.Field f && (IdentifierField.is(f.path()) || IdentifierField.kind(f.path(), decision).isPresent())) {
      throw new UserException(where + ": '" + RuleText.print(r) + "' reads identifiers, which a decision does not load;"
          + " save it as a segment and write 'segment NAME' here");
    } else if (r instanceof Rule.Field f) {
      String name = f.path().contains(".") ? f.path().substring(0, f.path().indexOf('.')) : f.path();
      TraitDef def = decision.trait(name).orElseThrow();
      if (def.family() != Family.CONTEXT) {
        traits.add(name);
      }
    } else {
      throw new UserException(where + ": '" + RuleText.print(r) + "' reads events, which a decision does not scan;"
          + " save it as a segment (real-time if it must follow events at once) and write 'segment NAME' here");
    }
  }

  /** The choices for one request at {@code now}. */
  public Outcome decide(Request req, ProfileIndex index, Sessions sessions, Recommendations recs, Instant now) {
    return decide(req, index, sessions, recs, now, NO_TAKEOVER);
  }

  /**
   * The choices for one request at {@code now}, where a known, consenting profile's placement named by
   * {@code takeovers} (asked with the profile id) shows that content instead: no strategy, no holdout and no
   * experiment runs there, and so no exposure is recorded for it (but, where the experiment would have taken the person
   * in, that they were held out of it). This is the one place exposures are decided.
   */
  public Outcome decide(Request req, ProfileIndex index, Sessions sessions, Recommendations recs, Instant now,
      Function<String, Optional<Takeover>> takeovers) {
    int pos = req.userId() != null ? index.find(req.userId()) : index.findAnonymous(req.anonymousId());
    boolean known = pos >= 0;
    String profileId = known ? index.id(pos) : req.userId();
    String sessionKey = profileId != null ? Sessions.profile(profileId) : Sessions.anonymous(req.anonymousId());
    if (profileId != null && req.anonymousId() != null) {
      sessions.link(req.anonymousId(), profileId);
    }
    for (Click c : req.clicks()) {
      sessions.record(sessionKey, c);
    }
    List<Click> clicks = sessions.clicks(sessionKey);
    Intent intent = Intent.of(clicks, now);
    Interests interests = Interests.of(clicks, now, halfLife);
    boolean consent = known ? index.consented(pos) : ConsentPolicy.visitorAllows(Purpose.PERSONALIZATION, req.consent(), req.userId() != null);
    Map<String, Value> context = req.context().traits(intent, interests, known);
    Function<String, Value> lookup = name -> {
      Value v = context.get(name);
      return v != null || !known ? v : index.trait(pos, name);
    };
    Predicate<String> memberOf = s -> known && index.member(pos, s);
    String unit = profileId != null ? profileId : req.anonymousId();
    List<Compiled> wanted = new ArrayList<>();
    if (req.placements().isEmpty()) {
      wanted.addAll(placements);
    } else {
      for (String k : req.placements()) {
        Compiled c = byKey.get(k);
        if (c == null) {
          throw new UserException("there is no placement '" + k + "'; placements: " + byKey.keySet());
        }
        wanted.add(c);
      }
    }
    List<Choice> choices = new ArrayList<>(wanted.size());
    List<Event> exposures = new ArrayList<>();
    String recommendFor = known && consent ? profileId : null;
    Takeover takeover = known && consent ? takeovers.apply(profileId).orElse(null) : null;
    for (Compiled c : wanted) {
      Placement p = c.placement();
      Choice choice;
      if (!consent) {
        choice = fallback(c, "no consent for personalization: default content", List.of());
      } else if (takeover != null && takeover.placement().equals(p.key())) {
        choice = takenOver(p, takeover);
        heldOut(p, takeover, profileId, req.anonymousId(), context, memberOf, now, exposures);
      } else if (p.holdout() > 0 && Assignment.hash(p.key() + "-holdout", unit, 2).orElse(1) < p.holdout()) {
        choice = fallback(c, "holdout: " + Math.round(p.holdout() * 100) + " % of visitors see the default, to measure what personalization adds",
            items(p.fallback(), recs, null, List.of()));
      } else {
        choice = switch (p.strategy()) {
          case FIRST_MATCH -> firstMatch(c, lookup, memberOf, recs, recommendFor, clicks);
          case HIGHEST_SCORE -> highestScore(c, lookup, memberOf, recs, recommendFor, clicks);
          case EXPERIMENT -> experiment(c, unit, known ? profileId : null, req.anonymousId(), context, lookup, memberOf, recs, recommendFor, clicks, now, exposures);
        };
      }
      choices.add(choice);
    }
    return new Outcome(known ? profileId : null, known, consent, intent, interests.top(), interests.listed(), choices, exposures);
  }

  private Choice firstMatch(Compiled c, Function<String, Value> lookup, Predicate<String> memberOf, Recommendations recs, String who, List<Click> clicks) {
    for (Candidate cand : c.candidates()) {
      if (eligible(cand, lookup, memberOf)) {
        return chosen(c.placement(), cand, cand.rule() == null ? FIRST_FOR_EVERYONE : FIRST_MATCHED, null, recs, who, clicks);
      }
    }
    return fallback(c, NONE_MATCHED, items(c.placement().fallback(), recs, who, clicks));
  }

  private Choice highestScore(Compiled c, Function<String, Value> lookup, Predicate<String> memberOf, Recommendations recs, String who, List<Click> clicks) {
    Candidate best = null;
    int eligible = 0;
    for (Candidate cand : c.candidates()) {
      if (eligible(cand, lookup, memberOf)) {
        eligible++;
        if (best == null || cand.content().score() > best.content().score()) {
          best = cand;
        }
      }
    }
    if (best == null) {
      return fallback(c, NONE_MATCHED, items(c.placement().fallback(), recs, who, clicks));
    }
    return chosen(c.placement(), best, "highest score (" + best.content().score() + ") of " + eligible + " eligible", null, recs, who, clicks);
  }

  private Choice experiment(Compiled c, String unit, String profileId, String anonymousId, Map<String, Value> context,
      Function<String, Value> lookup, Predicate<String> memberOf, Recommendations recs, String who, List<Click> clicks,
      Instant now, List<Event> exposures) {
    Placement p = c.placement();
    Optional<Experiment> found = experiments.apply(p.experiment());
    if (found.isEmpty()) {
      Choice first = firstMatch(c, lookup, memberOf, recs, who, clicks);
      return new Choice(first.placement(), first.content(), first.payload(), first.payloadJson(), first.fallback(),
          "experiment '" + p.experiment() + "' is no longer saved; " + first.reason(), first.rule(), null, first.items());
    }
    Experiment e = found.get();
    Decision d = assign(e, unit, profileId, anonymousId, context, memberOf);
    if (!d.inExperiment()) {
      Choice first = firstMatch(c, lookup, memberOf, recs, who, clicks);
      return new Choice(first.placement(), first.content(), first.payload(), first.payloadJson(), first.fallback(),
          "not in experiment '" + e.key() + "' (" + d.reason() + "); " + first.reason(), first.rule(), null, first.items());
    }
    if (Exposures.running(e, now)) {
      exposures.add(Exposures.exposure(e, profileId, profileId == null ? anonymousId : null, d.variantKey(), now));
    }
    if (p.fallback().key().equals(d.variantKey())) {
      return fallback(c, "experiment '" + e.key() + "', variant '" + d.variantKey() + "' (the default content)", items(p.fallback(), recs, who, clicks));
    }
    Candidate cand = c.byKey().get(d.variantKey());
    return chosen(p, cand, "experiment '" + e.key() + "', variant '" + d.variantKey() + "'", d.variantKey(), recs, who, clicks);
  }

  /** The unit's assignment in the experiment: the request's context, its id, and the ids it came with. */
  private static Decision assign(Experiment e, String unit, String profileId, String anonymousId, Map<String, Value> context,
      Predicate<String> memberOf) {
    Map<String, Value> attributes = new HashMap<>(context);
    attributes.put("id", new Value.Str(unit));
    if (profileId != null) {
      attributes.put("userId", new Value.Str(profileId));
    }
    if (anonymousId != null) {
      attributes.put("anonymousId", new Value.Str(anonymousId));
    }
    return Assignment.decide(e, Unit.of(new Value.ObjectValue(attributes), memberOf));
  }

  /**
   * Records that a takeover held a known person out of the placement's experiment, where that experiment is running
   * and would have taken them in (assigned as {@link #experiment} would have): the report then counts the people the
   * experiment lost to the campaign, not everyone the campaign was shown to.
   */
  private void heldOut(Placement p, Takeover t, String profileId, String anonymousId, Map<String, Value> context,
      Predicate<String> memberOf, Instant now, List<Event> out) {
    if (p.strategy() != Placement.Strategy.EXPERIMENT) {
      return;
    }
    Optional<Experiment> found = experiments.apply(p.experiment());
    if (found.isEmpty() || !Exposures.running(found.get(), now)) {
      return;
    }
    Decision d = assign(found.get(), profileId, profileId, anonymousId, context, memberOf);
    if (d.inExperiment()) {
      out.add(Exposures.heldOut(found.get(), profileId, t.source(), d.variantKey(), now));
    }
  }

  /** A placement shown the takeover's content; an experiment placement says the person is held out of it, unexposed. */
  private static Choice takenOver(Placement p, Takeover t) {
    String reason = t.reason();
    if (p.strategy() == Placement.Strategy.EXPERIMENT) {
      reason += "; not exposed to experiment '" + p.experiment() + "': " + t.source() + " holds this person out of it";
    }
    return new Choice(p.key(), t.source(), t.payload(), t.payloadJson(), false, reason, null, null,
        List.of());
  }

  private boolean eligible(Candidate c, Function<String, Value> lookup, Predicate<String> memberOf) {
    return c.rule() == null || evaluator.matches(c.rule(), lookup, memberOf);
  }

  private static Choice chosen(Placement p, Candidate c, String reason, String variant, Recommendations recs, String who, List<Click> clicks) {
    return new Choice(p.key(), c.content().key(), c.content().payload(), c.payloadJson(), false, reason, c.rule() == null ? null : c.content().rule(),
        variant, items(c.content(), recs, who, clicks));
  }

  private static Choice fallback(Compiled c, String reason, List<Recommendations.Item> items) {
    Placement p = c.placement();
    return new Choice(p.key(), p.fallback().key(), p.fallback().payload(), c.fallback().payloadJson(), true, reason, null, null, items);
  }

  private static List<Recommendations.Item> items(Content c, Recommendations recs, String who, List<Click> clicks) {
    return c.recommendations() == 0 ? List.of() : Objects.requireNonNullElse(recs.recommend(who, clicks, c.recommendations()), List.of());
  }
}
