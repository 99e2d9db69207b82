package io.segmenta.ml.cluster;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A cluster described as a rule a marketer can read and edit: a shallow classification tree (CART, Breiman et al.
 * 1984, Gini impurity, axis-aligned thresholds at midpoints) is fitted to the cluster labels, and each cluster's
 * rule is the "or" of the paths to the leaves that predict it, written in the segment language
 * ({@code (annual_income > 69.5 and spending_score > 60.5) or ...}). Fidelity says how faithful it is: the share
 * of points the rule puts where the clustering did (precision and recall per cluster, accuracy overall).
 */
public record Explanation(int cluster, String rule, double precision, double recall) {

  /** Every cluster's rule (null when no leaf predicts it at this depth) and the tree's overall accuracy. */
  public record Result(List<Explanation> clusters, double fidelity, int depth) {}

  private record Split(int feature, double threshold) {}

  private static final class Node {
    Split split;
    Node left;
    Node right;
    int label;
  }

  public static Result explain(double[][] x, String[] features, int[] labels, int k, int maxDepth, int minLeaf) {
    checkArgument(x.length == labels.length, "points and labels differ in number: %s and %s", x.length, labels.length);
    checkArgument(features.length == x[0].length, "one name per feature: %s names for %s features", features.length, x[0].length);
    checkArgument(maxDepth >= 1 && maxDepth <= 6, "depth must be within 1..6, got %s", maxDepth);
    int[] all = new int[x.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    Node root = grow(x, labels, k, all, maxDepth, Math.max(1, minLeaf));
    List<List<String>> paths = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      paths.add(new ArrayList<>());
    }
    collect(root, features, new ArrayList<>(), paths);
    int correct = 0;
    int[] predicted = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      predicted[i] = predict(root, x[i]);
      correct += predicted[i] == labels[i] ? 1 : 0;
    }
    List<Explanation> out = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (int i = 0; i < x.length; i++) {
        boolean in = predicted[i] == c;
        boolean is = labels[i] == c;
        tp += in && is ? 1 : 0;
        fp += in && !is ? 1 : 0;
        fn += !in && is ? 1 : 0;
      }
      String rule = paths.get(c).isEmpty() ? null : String.join(" or ", paths.get(c));
      out.add(new Explanation(c, rule, tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp), tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn)));
    }
    return new Result(out, (double) correct / x.length, maxDepth);
  }

  private static Node grow(double[][] x, int[] labels, int k, int[] idx, int depth, int minLeaf) {
    Node node = new Node();
    int[] count = new int[k];
    for (int i : idx) {
      count[labels[i]]++;
    }
    node.label = argmax(count);
    if (depth == 0 || count[node.label] == idx.length || idx.length < 2 * minLeaf) {
      return node;
    }
    double parent = gini(count, idx.length);
    double bestGain = 1e-12;
    Split best = null;
    for (int f = 0; f < x[0].length; f++) {
      int feature = f;
      Integer[] order = new Integer[idx.length];
      for (int j = 0; j < idx.length; j++) {
        order[j] = idx[j];
      }
      Arrays.sort(order, (a, b) -> Double.compare(x[a][feature], x[b][feature]));
      int[] left = new int[k];
      int[] right = count.clone();
      for (int j = 0; j < order.length - 1; j++) {
        int i = order[j];
        left[labels[i]]++;
        right[labels[i]]--;
        double here = x[i][f];
        double next = x[order[j + 1]][f];
        int nl = j + 1;
        int nr = order.length - nl;
        if (here == next || nl < minLeaf || nr < minLeaf) {
          continue;
        }
        double gain = parent - (nl * gini(left, nl) + nr * gini(right, nr)) / order.length;
        if (gain > bestGain) {
          bestGain = gain;
          best = new Split(f, (here + next) / 2);
        }
      }
    }
    if (best == null) {
      return node;
    }
    node.split = best;
    List<Integer> l = new ArrayList<>();
    List<Integer> r = new ArrayList<>();
    for (int i : idx) {
      (x[i][best.feature()] <= best.threshold() ? l : r).add(i);
    }
    node.left = grow(x, labels, k, l.stream().mapToInt(Integer::intValue).toArray(), depth - 1, minLeaf);
    node.right = grow(x, labels, k, r.stream().mapToInt(Integer::intValue).toArray(), depth - 1, minLeaf);
    if (node.left.split == null && node.right.split == null && node.left.label == node.right.label) {
      // Both sides say the same: the split tells a reader nothing.
      node.split = null;
      node.label = node.left.label;
      node.left = null;
      node.right = null;
    }
    return node;
  }

  /** A path's bounds per feature: a lower bound ({@code >}) and an upper bound ({@code <=}), the tightest kept. */
  private static void collect(Node n, String[] features, List<double[]> bounds, List<List<String>> out) {
    if (bounds.isEmpty()) {
      for (int f = 0; f < features.length; f++) {
        bounds.add(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY});
      }
    }
    if (n.split == null) {
      List<String> terms = new ArrayList<>();
      for (int f = 0; f < features.length; f++) {
        double[] b = bounds.get(f);
        int eq = features[f].indexOf('=');
        if (eq > 0) {
          // A one-hot column (trait=value): in it, or not in it, said as the language says it.
          String cond = features[f].substring(0, eq) + " = " + RuleText.print(new Value.Str(features[f].substring(eq + 1)));
          if (b[0] > Double.NEGATIVE_INFINITY) {
            terms.add(cond);
          } else if (b[1] < Double.POSITIVE_INFINITY) {
            terms.add("not (" + cond + ")");
          }
          continue;
        }
        if (b[0] > Double.NEGATIVE_INFINITY) {
          terms.add(features[f] + " > " + number(b[0]));
        }
        if (b[1] < Double.POSITIVE_INFINITY) {
          terms.add(features[f] + " <= " + number(b[1]));
        }
      }
      out.get(n.label).add(terms.isEmpty() ? "true" : terms.size() == 1 ? terms.get(0) : "(" + String.join(" and ", terms) + ")");
      return;
    }
    double[] b = bounds.get(n.split.feature());
    double lo = b[0];
    double hi = b[1];
    b[1] = Math.min(hi, n.split.threshold());
    collect(n.left, features, bounds, out);
    b[1] = hi;
    b[0] = Math.max(lo, n.split.threshold());
    collect(n.right, features, bounds, out);
    b[0] = lo;
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
  }

  private static int predict(Node n, double[] p) {
    while (n.split != null) {
      n = p[n.split.feature()] <= n.split.threshold() ? n.left : n.right;
    }
    return n.label;
  }

  private static double gini(int[] count, int n) {
    double s = 1;
    for (int c : count) {
      double p = (double) c / n;
      s -= p * p;
    }
    return s;
  }

  private static int argmax(int[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[best]) {
        best = i;
      }
    }
    return best;
  }
}
