package io.segmenta.ml.cluster;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.summary.TraitSummaries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which features the models read, and over whom. The default features (RFM, returns, discounts, tenure) are computed
 * from orders, so a profile without orders has none of them and would be left out: on a file of customers with
 * demographics and no orders, clustering found no one. So the defaults are the order features only when at least
 * half of the population the model learns from has an order; otherwise the stored traits that describe people
 * (demographic, geographic, psychographic, technographic, custom; not contact details, not scores) and that hold
 * values for at least {@link #MIN_COVERAGE} of it, with at least two values and, for text, at most
 * {@link #MAX_LEVELS} of them (free text and ids are no features). The choice says why in words.
 */
public record FeatureChoice(List<String> features, Rule universe, String note) {

  static final double MIN_COVERAGE = 0.8;
  static final int MAX_LEVELS = 50;
  static final int MAX_FEATURES = 16;

  private static final Set<Family> DESCRIPTIVE = Set.of(Family.DEMOGRAPHIC, Family.GEOGRAPHIC, Family.PSYCHOGRAPHIC, Family.TECHNOGRAPHIC, Family.CUSTOM);

  /**
   * The features to use: {@code requested} when they are not the defaults; for the defaults, the order features or
   * the stored traits, as above. {@code learnFrom} is the population whose orders decide (null: everyone);
   * {@code exclude} are traits that must not be features (those the seed rule reads: they would give it away).
   */
  public static FeatureChoice choose(Catalog catalog, Audiences audiences, Instant asOf, List<String> requested, Rule learnFrom, Set<String> exclude) {
    boolean computed = requested.stream().anyMatch(f -> catalog.schema().trait(f).map(t -> !t.stored()).orElse(false));
    if (!requested.equals(Segmentation.DEFAULT_FEATURES)) {
      return new FeatureChoice(requested, computed ? withOrders() : everyone(), null);
    }
    Rule population = learnFrom == null ? everyone() : learnFrom;
    long all = audiences.run(new AudienceQuery.Count(population, asOf));
    long withOrders = audiences.run(new AudienceQuery.Count(new Rule.And(List.of(population, withOrders())), asOf));
    if (all > 0 && withOrders * 2 >= all) {
      return new FeatureChoice(requested, withOrders(), null);
    }
    List<String> candidates = new ArrayList<>();
    for (TraitDef t : catalog.schema().traits()) {
      if (t.stored() && DESCRIPTIVE.contains(t.family()) && !exclude.contains(t.name())
          && (t.type() == ValueType.NUMBER || t.type() == ValueType.BOOLEAN || t.type() == ValueType.STRING)) {
        candidates.add(t.name());
      }
    }
    List<String> chosen = new ArrayList<>();
    if (!candidates.isEmpty()) {
      TraitSummaries.Report r = TraitSummaries.summarise(catalog, audiences, asOf, null, population, false, candidates, 1);
      for (TraitSummaries.Trait t : r.traits()) {
        TraitSummaries.Summary s = t.segment();
        boolean text = t.type().equals(ValueType.STRING.label());
        if (s.coverage() >= MIN_COVERAGE && s.distinct() >= 2 && (!text || (s.distinct() <= MAX_LEVELS && s.distinct() * 2 <= s.present()))
            && chosen.size() < MAX_FEATURES) {
          chosen.add(t.name());
        }
      }
    }
    String why = withOrders == 0 ? "no " + (learnFrom == null ? "profile" : "member of the seed") + " has an order"
        : String.format(Locale.ROOT, "only %,d of %,d %s have an order", withOrders, all, learnFrom == null ? "profiles" : "seed members");
    if (chosen.isEmpty()) {
      return new FeatureChoice(requested, withOrders(), why + ", and no stored trait holds values for " + Math.round(100 * MIN_COVERAGE)
          + " % of them; the order features leave out everyone without orders");
    }
    return new FeatureChoice(List.copyOf(chosen), everyone(), why + ": the order features (RFM, returns, discounts) need orders, so the stored traits "
        + String.join(", ", chosen) + " are used instead");
  }

  private static Rule everyone() {
    return new Rule.And(List.of());
  }

  private static Rule withOrders() {
    return RuleText.parseRule("count(order) >= 1");
  }
}
