package io.segmenta.ml.recommend;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranking metrics of recommendation lists against what each user actually chose, averaged over users, with the
 * definitions of Spark MLlib's {@code RankingMetrics} so that numbers compare across tools (its test suite's cases
 * are ours): a user with nothing relevant counts as 0; precision@k divides by k even when fewer items were
 * recommended; recall@k divides by the number of relevant items; average precision divides by the number of
 * relevant items (by min(k, relevant) when cut at k); NDCG@k uses log2(rank + 1) discounts, gains 2^rel - 1 when
 * graded (1 when binary), and the ideal ordering of the relevant items as its normaliser (Järvelin and Kekäläinen,
 * "Cumulated gain-based evaluation of IR techniques", TOIS 2002).
 */
public final class RankingMetrics {
  /** One user's ranked recommendations and relevant items (with graded relevance, or empty for binary). */
  public record Case(List<String> ranked, Set<String> relevant, Map<String, Double> relevance) {
    public Case {
      ranked = List.copyOf(ranked);
      relevant = Set.copyOf(relevant);
      relevance = Map.copyOf(relevance);
    }

    public Case(List<String> ranked, Set<String> relevant) {
      this(ranked, relevant, Map.of());
    }
  }

  private final List<Case> cases;

  public RankingMetrics(List<Case> cases) {
    checkArgument(!cases.isEmpty(), "ranking metrics need at least one case, got %s", cases.size());
    this.cases = List.copyOf(cases);
  }

  public int users() {
    return cases.size();
  }

  public double precisionAt(int k) {
    checkArgument(k > 0, "k must be positive, got %s", k);
    double sum = 0;
    for (Case c : cases) {
      if (!c.relevant().isEmpty()) {
        sum += hits(c, k) / (double) k;
      }
    }
    return sum / cases.size();
  }

  public double recallAt(int k) {
    checkArgument(k > 0, "k must be positive, got %s", k);
    double sum = 0;
    for (Case c : cases) {
      if (!c.relevant().isEmpty()) {
        sum += hits(c, k) / (double) c.relevant().size();
      }
    }
    return sum / cases.size();
  }

  public double meanAveragePrecision() {
    return map(Integer.MAX_VALUE, false);
  }

  public double meanAveragePrecisionAt(int k) {
    checkArgument(k > 0, "k must be positive, got %s", k);
    return map(k, true);
  }

  private double map(int k, boolean cut) {
    double sum = 0;
    for (Case c : cases) {
      if (c.relevant().isEmpty()) {
        continue;
      }
      int n = Math.min(k, c.ranked().size());
      int hits = 0;
      double precisions = 0;
      for (int i = 0; i < n; i++) {
        if (c.relevant().contains(c.ranked().get(i))) {
          hits++;
          precisions += hits / (double) (i + 1);
        }
      }
      sum += precisions / (cut ? Math.min(k, c.relevant().size()) : c.relevant().size());
    }
    return sum / cases.size();
  }

  public double ndcgAt(int k) {
    checkArgument(k > 0, "k must be positive, got %s", k);
    double sum = 0;
    for (Case c : cases) {
      if (c.relevant().isEmpty()) {
        continue;
      }
      double dcg = 0;
      int n = Math.min(k, c.ranked().size());
      for (int i = 0; i < n; i++) {
        String item = c.ranked().get(i);
        if (c.relevant().contains(item)) {
          dcg += gain(c, item) / log2(i + 2);
        }
      }
      List<Double> gains = new ArrayList<>();
      for (String item : c.relevant()) {
        gains.add(gain(c, item));
      }
      gains.sort(Collections.reverseOrder());
      double ideal = 0;
      for (int i = 0; i < Math.min(k, gains.size()); i++) {
        ideal += gains.get(i) / log2(i + 2);
      }
      sum += ideal == 0 ? 0 : dcg / ideal;
    }
    return sum / cases.size();
  }

  /** The share of a catalogue of {@code catalogue} items that appears in at least one list, cut at k. */
  public double coverageAt(int k, int catalogue) {
    checkArgument(catalogue > 0, "catalogue size must be positive, got %s", catalogue);
    Set<String> seen = new HashSet<>();
    for (Case c : cases) {
      seen.addAll(c.ranked().subList(0, Math.min(k, c.ranked().size())));
    }
    return seen.size() / (double) catalogue;
  }

  private static double gain(Case c, String item) {
    if (c.relevance().isEmpty()) {
      return 1;
    }
    return StrictMath.pow(2, c.relevance().getOrDefault(item, 0.0)) - 1;
  }

  private static int hits(Case c, int k) {
    int n = Math.min(k, c.ranked().size());
    int hits = 0;
    for (int i = 0; i < n; i++) {
      if (c.relevant().contains(c.ranked().get(i))) {
        hits++;
      }
    }
    return hits;
  }

  private static double log2(double x) {
    return StrictMath.log(x) / StrictMath.log(2);
  }
}
