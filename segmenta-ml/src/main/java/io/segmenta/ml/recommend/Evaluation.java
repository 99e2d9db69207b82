package io.segmenta.ml.recommend;

import io.segmenta.core.port.Interaction;
import java.time.Instant;
import java.util.ArrayList;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Offline evaluation with a time split, the honest way to judge a recommender on history: build on everything
 * before the split, then for each customer who bought both before and after it, compare their top-k list with the
 * distinct products they actually bought after it ({@link RankingMetrics}). Every method sees exactly the same
 * customers and the same model.
 */
public final class Evaluation {
  /** One method's scores. */
  public record Score(String method, int users, double precision, double recall, double ndcg, double map, double coverage) {}

  /** The scores and the model they were measured on. */
  public record Report(Instant split, int k, Recommender.Provenance model, List<Score> scores) {
    public Score of(String method) {
      return scores.stream().filter(s -> s.method().equals(method)).findFirst().orElseThrow();
    }
  }

  public static final String POPULAR = "popularity (all time)";
  public static final String TRENDING = "popularity (trending)";
  public static final String TOGETHER = "item-to-item (new products only)";
  public static final String PERSONAL = "personal (buys again + bought together)";
  /** Discovery: only products the customer had not bought before count as hits, and only those are recommended. */
  public static final String POPULAR_NEW = "discovery: popularity, new products only";
  public static final String TOGETHER_NEW = "discovery: item-to-item, new products only";

  private Evaluation() {}

  /** Evaluates the built-in methods at k on purchases split at {@code split}. */
  public static Report timeSplit(List<Interaction> purchases, Instant split, int k, Recommender.Options options) {
    List<Interaction> train = new ArrayList<>();
    Map<String, Set<String>> truth = new LinkedHashMap<>();
    for (Interaction x : purchases) {
      if (x.at().isBefore(split)) {
        train.add(x);
      } else {
        truth.computeIfAbsent(x.profileId(), c -> new HashSet<>()).add(x.productId());
      }
    }
    Recommender r = Recommender.build(train, List.of(), split, options);
    List<String> users = truth.keySet().stream().filter(r::knows).sorted().toList();
    Map<String, Function<String, List<Recommender.Item>>> methods = new LinkedHashMap<>();
    methods.put(POPULAR, u -> r.popular(k, Recommender.Filter.NONE, Set.of()));
    methods.put(TRENDING, u -> r.trending(k, Recommender.Filter.NONE));
    methods.put(TOGETHER, u -> r.personal(u, k, Recommender.Filter.NEW_ONLY));
    methods.put(PERSONAL, u -> r.personal(u, k, Recommender.Filter.NONE));
    methods.put(POPULAR_NEW, u -> r.popular(k, Recommender.Filter.NEW_ONLY, own(r, u)));
    methods.put(TOGETHER_NEW, u -> r.personal(u, k, Recommender.Filter.NEW_ONLY));
    List<Score> scores = new ArrayList<>();
    for (Map.Entry<String, Function<String, List<Recommender.Item>>> m : methods.entrySet()) {
      boolean discovery = m.getKey().startsWith("discovery");
      List<RankingMetrics.Case> cases = new ArrayList<>(users.size());
      for (String u : users) {
        List<String> ranked = m.getValue().apply(u).stream().map(Recommender.Item::productId).toList();
        Set<String> relevant = truth.get(u);
        if (discovery) {
          relevant = new HashSet<>(relevant);
          relevant.removeAll(r.history(u));
        }
        cases.add(new RankingMetrics.Case(ranked, relevant));
      }
      RankingMetrics metrics = new RankingMetrics(cases);
      scores.add(new Score(m.getKey(), users.size(), metrics.precisionAt(k), metrics.recallAt(k), metrics.ndcgAt(k),
          metrics.meanAveragePrecisionAt(k), metrics.coverageAt(k, r.provenance().products())));
    }
    return new Report(split, k, r.provenance(), scores);
  }

  private static Set<Integer> own(Recommender r, String user) {
    return r.productIds(r.history(user));
  }

  /** Evaluation scores as a table for people. */
  public static String table(Report report) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-42s %6s %8s %8s %8s %8s %8s%n", "method", "users", "P@" + report.k(), "R@" + report.k(), "NDCG@" + report.k(),
        "MAP@" + report.k(), "coverage"));
    for (Score s : report.scores()) {
      b.append(String.format("%-42s %6d %8.4f %8.4f %8.4f %8.4f %8.4f%n", s.method(), s.users(), s.precision(), s.recall(), s.ndcg(), s.map(), s.coverage()));
    }
    return b.toString();
  }

}
