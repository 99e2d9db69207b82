package io.segmenta.ml.lookalike;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.Rules;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import io.segmenta.ml.cluster.FeatureChoice;
import io.segmenta.ml.cluster.FeatureMatrix;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Lookalikes of a segment over the store's customers: the seed's members against everyone on computed-trait
 * features ({@link Lookalike}), scored, with seed members left out and an optional constraint ("like them, but
 * with a return rate below 0.2": any rule) restricting the candidates. The scores are kept as a population score
 * trait {@code lookalike_<name>}, so a tier is an ordinary segment: {@code lookalike_<name> >= <cut> and <constraint>
 * and not segment "<seed>"}, exportable like any other. {@link #evaluate} measures it: part of the seed is hidden,
 * and the share of it each tier recovers is set against the tier's share of candidates (lift over random).
 */
public final class Lookalikes {
  private Lookalikes() {}

  public static final double[] TIERS = {0.01, 0.02, 0.05, 0.10};

  /** One tier: its share, size, the score it starts at, and the rule that selects it. */
  public record TierRule(double share, int size, double cut, String rule) {}

  /** {@code note} says why the features are not the requested ones (null when they are). */
  public record Result(String seed, int seedMembers, int candidates, List<TierRule> tiers, String trait, Lookalike.Model model, List<String> features,
      String note) {}


  /**
   * The roles of the store a lookalike reads and writes (the schema, audiences, saved segments, scores), with the
   * clock that stamps the scores' provenance and resolves segment rules.
   */
  public record Sources(Catalog catalog, Audiences audiences, Definitions<SegmentDefinition> definitions, Scores scores, Clock clock) {
    public Sources {
      Objects.requireNonNull(catalog, "catalog");
      Objects.requireNonNull(audiences, "audiences");
      Objects.requireNonNull(definitions, "definitions");
      Objects.requireNonNull(scores, "scores");
      Objects.requireNonNull(clock, "clock");
    }

    Segments segments() {
      return new Segments(catalog, definitions, scores, clock);
    }
  }
  /** How much of a hidden part of the seed each tier finds, against random (its share). */
  public record Recovery(double share, int hidden, int found, double lift) {}

  public static Result find(Sources store, Instant asOf, String seedName, Rule seed, Rule constraint, List<String> features, String name) {
    // One pass over the profiles: the features, and whether each is in the seed and meets the constraint.
    List<Rule> flags = constraint == null ? List.of(seed) : List.of(seed, constraint);
    FeatureChoice choice = choose(store, asOf, seed, constraint, features);
    FeatureMatrix fm = FeatureMatrix.read(store.catalog(), store.audiences(), asOf, RuleText.parseRule("count(order) >= 0"), choice.features(), flags);
    boolean[] isSeed = new boolean[fm.ids().size()];
    boolean[] eligible = new boolean[isSeed.length];
    int seedCount = 0;
    int candidates = 0;
    for (int i = 0; i < isSeed.length; i++) {
      isSeed[i] = fm.flags().get(0).get(i);
      seedCount += isSeed[i] ? 1 : 0;
      eligible[i] = !isSeed[i] && (constraint == null || fm.flags().get(1).get(i));
      candidates += eligible[i] ? 1 : 0;
    }
    if (seedCount < 10) {
      throw new UserException("the seed has " + seedCount + " customers with every feature (" + String.join(", ", choice.features()) + "); a lookalike needs at least 10"
          + (choice.note() == null ? "" : "; " + choice.note()));
    }
    if (candidates == 0) {
      throw new UserException("no customer outside the seed meets the constraint");
    }
    Lookalike.Model model = Lookalike.fit(fm.z(), isSeed, 1.0);
    double[] scores = Lookalike.scores(model, fm.z());
    String trait = "lookalike_" + name.replaceAll("[^a-z0-9_]", "_");
    store.catalog().declareTrait(new TraitDef(trait, ValueType.NUMBER, Family.SCORE, "likeness to segment " + seedName + " (0..1)"));
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("seed_segment", seedName);
    parameters.put("features", String.join(",", choice.features()));
    if (constraint != null) {
      parameters.put("like_but", RuleText.print(constraint));
    }
    String command = "segmenta lookalike '" + seedName + "'" + (constraint == null ? "" : " --like-but '" + RuleText.print(constraint) + "'")
        + " --name " + trait.substring("lookalike_".length());
    store.scores().writeScores(new ScoreProvenance("lookalike", parameters, null, asOf, store.clock().instant(), command), trait, fm.ids().toArray(new String[0]), scores);
    List<TierRule> tiers = new ArrayList<>();
    for (Lookalike.Tier t : Lookalike.tiers(scores, eligible, TIERS)) {
      double cut = t.members().length == 0 ? 1 : scores[t.members()[t.members().length - 1]];
      String rule = trait + " >= " + BigDecimal.valueOf(cut).toPlainString() + " and not (" + RuleText.print(seed) + ")"
          + (constraint == null ? "" : " and (" + RuleText.print(constraint) + ")");
      tiers.add(new TierRule(t.share(), t.members().length, cut, rule));
    }
    return new Result(seedName, seedCount, candidates, tiers, trait, model, choice.features(), choice.note());
  }

  /** Hides {@code hiddenShare} of the seed (seeded), fits on the rest, and reports what each tier recovers. */
  public static List<Recovery> evaluate(Sources store, Instant asOf, Rule seed, List<String> features, double hiddenShare, long randomSeed) {
    FeatureChoice choice = choose(store, asOf, seed, null, features);
    FeatureMatrix fm = FeatureMatrix.read(store.catalog(), store.audiences(), asOf, RuleText.parseRule("count(order) >= 0"), choice.features(), List.of(seed));
    SplittableRandom r = new SplittableRandom(randomSeed);
    boolean[] visible = new boolean[fm.ids().size()];
    boolean[] hidden = new boolean[visible.length];
    for (int i = 0; i < visible.length; i++) {
      if (fm.flags().get(0).get(i)) {
        if (r.nextDouble() < hiddenShare) {
          hidden[i] = true;
        } else {
          visible[i] = true;
        }
      }
    }
    Lookalike.Model model = Lookalike.fit(fm.z(), visible, 1.0);
    double[] scores = Lookalike.scores(model, fm.z());
    boolean[] eligible = new boolean[visible.length];
    int hiddenCount = 0;
    for (int i = 0; i < eligible.length; i++) {
      eligible[i] = !visible[i];
      hiddenCount += hidden[i] ? 1 : 0;
    }
    List<Recovery> out = new ArrayList<>();
    for (Lookalike.Tier t : Lookalike.tiers(scores, eligible, TIERS)) {
      int found = (int) Arrays.stream(t.members()).filter(i -> hidden[i]).count();
      double recall = hiddenCount == 0 ? Double.NaN : (double) found / hiddenCount;
      out.add(new Recovery(t.share(), hiddenCount, found, recall / t.share()));
    }
    return out;
  }

  /** The features: the defaults for this seed (trait features when most of it has no orders), never the traits its rules read. */
  private static FeatureChoice choose(Sources store, Instant asOf, Rule seed, Rule constraint, List<String> features) {
    Set<String> read = new HashSet<>(Rules.traits(seed, store.segments().resolver()));
    if (constraint != null) {
      read.addAll(Rules.traits(constraint, store.segments().resolver()));
    }
    return FeatureChoice.choose(store.catalog(), store.audiences(), asOf, features, seed, read);
  }
}
