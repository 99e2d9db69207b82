package io.segmenta.ml.cluster;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Segments proposed from the data: customers described by computed traits (by default the RFM measures, return
 * rate, discount share and tenure; stored traits when most profiles have no orders, see {@link FeatureChoice}), skewed non-negative features log-transformed, all standardised; k-means for
 * each k in a range, the k proposed by the silhouette (on a seeded sample) with the Calinski-Harabasz index shown
 * beside it; each cluster profiled (size, means, the traits that set it apart by standardised effect size, a name
 * from them) and explained as a rule of the segment language over the raw traits, with its fidelity.
 */
public final class Segmentation {
  private Segmentation() {}

  public static final List<String> DEFAULT_FEATURES = List.of("days_since_last_order", "orders", "net_revenue", "return_rate",
      "discount_share", "tenure_days");

  /** One candidate k with its criteria. */
  public record Candidate(int k, double inertia, double silhouette, double calinskiHarabasz, double bic) {}

  /** How clusters are found: k-means (round groups, fast) or a Gaussian mixture (elongated or tilted groups). */
  public enum Method { KMEANS, GMM }

  /** A cluster: size, raw feature means, the distinguishing features (effect sizes), a name and its rule. */
  public record Profile(int cluster, int size, double[] means, List<String> distinguishing, String name, Explanation explanation) {}

  public record Result(List<String> features, List<Boolean> logged, int customers, List<Candidate> candidates, int k,
      Clustering clustering, List<Profile> clusters, double fidelity, String note) {}

  public static Result run(Catalog catalog, Audiences audiences, Instant asOf, List<String> features, int kMin, int kMax, Integer kFixed, long seed) {
    return run(catalog, audiences, asOf, features, kMin, kMax, kFixed, seed, Method.KMEANS);
  }

  /** With k-means, k is proposed by the silhouette; with the mixture, by the BIC (the model's own criterion). */
  public static Result run(Catalog catalog, Audiences audiences, Instant asOf, List<String> features, int kMin, int kMax, Integer kFixed, long seed, Method method) {
    FeatureChoice choice = FeatureChoice.choose(catalog, audiences, asOf, features, null, Set.of());
    FeatureMatrix fm = FeatureMatrix.read(catalog, audiences, asOf, choice.universe(), choice.features());
    if (fm.ids().size() < 20) {
      throw new UserException("clustering needs at least 20 customers with every feature defined, found " + fm.ids().size() + " (features "
          + String.join(", ", choice.features()) + (choice.note() == null ? "" : "; " + choice.note()) + ")");
    }
    double[][] raw = fm.raw();
    double[][] z = fm.z();
    List<Boolean> logged = fm.logged();
    // Text traits arrive as one column per common value (trait=value).
    List<String> columns = fm.features();
    int d = columns.size();
    int[] sample = sample(z.length, 2000, seed);
    double[][] zs = new double[sample.length][];
    for (int i = 0; i < sample.length; i++) {
      zs[i] = z[sample[i]];
    }
    List<Candidate> candidates = new ArrayList<>();
    Clustering chosen = null;
    double bestSil = Double.NEGATIVE_INFINITY;
    for (int k = kFixed != null ? kFixed : kMin; k <= (kFixed != null ? kFixed : kMax); k++) {
      GaussianMixture.Fit g = null;
      if (method == Method.GMM) {
        try {
          g = GaussianMixture.fit(z, k, 200);
        } catch (org.apache.commons.math3.exception.MathRuntimeException | IllegalStateException | IllegalArgumentException e) {
          // A component collapsed onto points that share a value (orders = 1, a share of 0), or EM did not converge.
          candidates.add(new Candidate(k, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
          continue;
        }
      }
      Clustering c = g != null ? g.clustering() : KMeans.fit(z, k, seed, 5, 300, 1e-4);
      int[] sl = new int[sample.length];
      for (int i = 0; i < sample.length; i++) {
        sl[i] = c.labels()[sample[i]];
      }
      double sil = k == 1 ? Double.NaN : KMeans.silhouette(zs, sl, k);
      candidates.add(new Candidate(k, c.inertia(), sil, calinskiHarabasz(z, c), g == null ? Double.NaN : g.bic()));
      double score = g != null ? -g.bic() : sil;
      if (chosen == null || score > bestSil) {
        bestSil = score;
        chosen = c;
      }
    }
    if (chosen == null) {
      throw new UserException("the Gaussian mixture could not be fitted for any k (a component collapses onto customers that share a value,"
          + " as with orders or discount_share, or EM does not converge); use --method kmeans or continuous features");
    }
    Explanation.Result ex = Explanation.explain(raw, columns.toArray(new String[0]), chosen.labels(), chosen.k(), 3, Math.max(5, raw.length / 200));
    double[] allMean = new double[d];
    double[] allSd = new double[d];
    for (int j = 0; j < d; j++) {
      int f = j;
      allMean[j] = Arrays.stream(raw).mapToDouble(r -> r[f]).average().orElse(0);
      double m = allMean[j];
      allSd[j] = Math.sqrt(Arrays.stream(raw).mapToDouble(r -> (r[f] - m) * (r[f] - m)).sum() / raw.length);
    }
    List<Profile> profiles = new ArrayList<>();
    int[] sizes = chosen.sizes();
    for (int c = 0; c < chosen.k(); c++) {
      double[] means = new double[d];
      for (int i = 0; i < raw.length; i++) {
        if (chosen.labels()[i] == c) {
          for (int j = 0; j < d; j++) {
            means[j] += raw[i][j] / sizes[c];
          }
        }
      }
      Integer[] order = new Integer[d];
      double[] effect = new double[d];
      for (int j = 0; j < d; j++) {
        order[j] = j;
        effect[j] = allSd[j] > 0 ? (means[j] - allMean[j]) / allSd[j] : 0;
      }
      Arrays.sort(order, (a, b) -> Double.compare(Math.abs(effect[b]), Math.abs(effect[a])));
      List<String> dist = new ArrayList<>();
      List<String> nameParts = new ArrayList<>();
      for (int t = 0; t < Math.min(3, d); t++) {
        int j = order[t];
        dist.add(String.format(Locale.ROOT, "%s %s (effect %+.2f)", columns.get(j), effect[j] > 0 ? "high" : "low", effect[j]));
        if (t < 2 && Math.abs(effect[j]) >= 0.3) {
          String col = columns.get(j);
          nameParts.add(col.contains("=") ? (effect[j] > 0 ? "" : "not ") + col.replace('=', ' ').replace('_', ' ')
              : (effect[j] > 0 ? "high " : "low ") + col.replace('_', ' '));
        }
      }
      String name = nameParts.isEmpty() ? "typical customers" : String.join(", ", nameParts);
      profiles.add(new Profile(c, sizes[c], means, dist, name, ex.clusters().get(c)));
    }
    return new Result(columns, logged, raw.length, candidates, chosen.k(), chosen, profiles, ex.fidelity(), choice.note());
  }

  /** Saves each cluster's rule as the segment {@code prefix-1, prefix-2, ...}; returns the names saved. */
  public static List<String> saveRules(Catalog catalog, Definitions<SegmentDefinition> definitions, Scores scores, Result r, String prefix, Clock clock) {
    Segments segs = new Segments(catalog, definitions, scores, clock);
    List<String> saved = new ArrayList<>();
    for (Profile p : r.clusters()) {
      if (p.explanation().rule() != null) {
        String name = prefix + "-" + (p.cluster() + 1);
        segs.save(name, p.explanation().rule(), "cluster " + (p.cluster() + 1) + ": " + p.name());
        saved.add(name);
      }
    }
    return saved;
  }

  /** Between-cluster over within-cluster dispersion, each per degree of freedom (Calinski and Harabasz 1974). */
  static double calinskiHarabasz(double[][] x, Clustering c) {
    int n = x.length;
    int k = c.k();
    if (k < 2 || k >= n) {
      return Double.NaN;
    }
    int d = x[0].length;
    double[] mean = new double[d];
    for (double[] p : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += p[j] / n;
      }
    }
    double between = 0;
    int[] sizes = c.sizes();
    for (int m = 0; m < k; m++) {
      between += sizes[m] * KMeans.dist2(c.centroids().get(m), mean);
    }
    return (between / (k - 1)) / (c.inertia() / (n - k));
  }

  private static int[] sample(int n, int max, long seed) {
    if (n <= max) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    SplittableRandom r = new SplittableRandom(seed);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = 0; i < max; i++) {
      int j = i + r.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = Arrays.copyOf(idx, max);
    Arrays.sort(out);
    return out;
  }
}
