package io.segmenta.ml.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * REFERENCE_RESULTS.md section 4: Mall Customers, annual income and spending score unscaled, k-means++: the
 * published within-cluster sums of squares for k = 1..5, the five centroids and sizes at k = 5, and the silhouette.
 */
class MallCustomersTest {
  static double[][] data() throws Exception {
    Path p = Path.of(System.getProperty("segmenta.shared", "../shared"), "data/mall-customers/Mall_Customers.csv");
    if (!Files.isReadable(p)) {
      System.out.println("skipped: " + p + " is absent (../shared is not beside the checkout)");
    }
    assumeTrue(Files.isReadable(p), "skipped: " + p + " is absent (../shared is not beside the checkout)");
    List<String> lines = Files.readAllLines(p);
    double[][] x = new double[lines.size() - 1][];
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",");
      x[i - 1] = new double[] {Double.parseDouble(c[3]), Double.parseDouble(c[4])};
    }
    return x;
  }

  @Test
  void fit_reproducesThePublishedInertias() throws Exception {
    double[][] x = data();
    assertEquals(200, x.length);
    double[] published = {269_981.28, 181_363.596, 106_348.373, 73_679.789, 44_448.455};
    for (int k = 1; k <= 5; k++) {
      Clustering c = KMeans.fit(x, k, 42, 10, 300);
      assertEquals(published[k - 1], c.inertia(), 0.001, "WCSS at k = " + k);
    }
  }

  @Test
  void fit_atFiveGivesThePublishedCentroidsAndSizes() throws Exception {
    Clustering c = KMeans.fit(data(), 5, 42, 10, 300);
    double[][] published = {{55.2962963, 49.51851852}, {86.53846154, 82.12820513}, {25.72727273, 79.36363636}, {88.2, 17.11428571}, {26.30434783, 20.91304348}};
    int[] sizes = {81, 39, 22, 35, 23};
    List<Integer> order = new ArrayList<>();
    for (int m = 0; m < 5; m++) {
      order.add(m);
    }
    for (int p = 0; p < 5; p++) {
      double[] want = published[p];
      int m = order.stream().min(Comparator.comparingDouble(i -> KMeans.dist2(c.centroids().get(i), want))).orElseThrow();
      assertArrayEquals(want, c.centroids().get(m), 1e-6, "centroid " + p);
      assertEquals(sizes[p], c.sizes()[m], "size of cluster " + p);
      order.remove(Integer.valueOf(m));
    }
    assertEquals(0.5539, KMeans.silhouette(data(), c.labels(), 5), 5e-5);
  }

  /**
   * The clusters as rules of the segment language, checked by the language's own evaluator: each rule, parsed and
   * run on profiles carrying the two features as traits, selects exactly the points the tree assigns to it.
   */
  @Test
  void explain_givesRulesThatReproduceTheTree() throws Exception {
    double[][] x = data();
    Clustering c = KMeans.fit(x, 5, 42, 10, 300);
    Explanation.Result r = Explanation.explain(x, new String[] {"income", "spending_score"}, c.labels(), 5, 3, 5);
    assertTrue(r.fidelity() > 0.95, "a depth-3 tree describes the five clusters: fidelity " + r.fidelity());
    Evaluator ev = Evaluator.strict(Instant.EPOCH, SegmentResolver.NONE);
    int agree = 0;
    for (int i = 0; i < x.length; i++) {
      var profile = new Profile("p" + i, List.of(), Map.of("income", new Value.Num(x[i][0]),
          "spending_score", new Value.Num(x[i][1])));
      var h = new ProfileHistory(profile, List.of());
      int matched = 0;
      int which = -1;
      for (Explanation e : r.clusters()) {
        if (e.rule() != null && ev.matches(RuleText.parseRule(e.rule()), h)) {
          matched++;
          which = e.cluster();
        }
      }
      assertEquals(1, matched, "the rules partition the points; point " + i);
      agree += which == c.labels()[i] ? 1 : 0;
    }
    assertEquals(r.fidelity(), agree / (double) x.length, 1e-12, "the rules, run by the evaluator, are the tree");
  }

  @Test
  void fit_isReproducible() throws Exception {
    double[][] x = data();
    Clustering a = KMeans.fit(x, 4, 7, 3, 300);
    Clustering b = KMeans.fit(x, 4, 7, 3, 300);
    assertArrayEquals(a.labels(), b.labels());
    assertEquals(a.inertia(), b.inertia());
    assertTrue(a.iterations() > 0 && a.seed() == 7 && a.restarts() == 3);
  }
}
