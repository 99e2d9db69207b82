package io.segmenta.ml.recommend;

import static io.segmenta.core.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Item-to-item similarity from co-occurrence ("bought together", "viewed together"): two items are similar when
 * the same people interact with both. This is Amazon's item-to-item collaborative filtering (Linden, Smith and
 * York, "Amazon.com recommendations: item-to-item collaborative filtering", IEEE Internet Computing 2003), in the
 * top-N form of Deshpande and Karypis ("Item-based top-N recommendation algorithms", TOIS 2004): keep each item's
 * nearest neighbours and score candidates by summing the similarities to what a person has.
 *
 * <p>The similarity of items i and j, with c the number of baskets holding both and n_i, n_j the baskets holding
 * each, is the cosine {@code c / sqrt(n_i * n_j)} — which damps popularity, since a best seller co-occurs with
 * everything and would otherwise be everyone's neighbour — times a shrinkage {@code c / (c + shrink)} that keeps
 * pairs seen together once or twice from looking as similar as pairs seen together a hundred times (Koren,
 * "Factorization meets the neighborhood", KDD 2008, §2.2).
 *
 * <p>A basket is a person's distinct items; a person with more than {@code maxBasket} keeps the most recent ones,
 * which bounds the quadratic pair count (wholesale buyers hold thousands of items).
 */
final class ItemSimilarity implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[][] neighbours;
  private final float[][] similarities;
  private final int[] baskets;

  private ItemSimilarity(int[][] neighbours, float[][] similarities, int[] baskets) {
    this.neighbours = neighbours;
    this.similarities = similarities;
    this.baskets = baskets;
  }

  /**
   * Up to this many items, pairs are counted in a triangular array (at most 8.4M counts, 34 MB); above it, every
   * pair occurrence is listed and sorted. Counting costs a pass over the pairs, listing a sort of all of them.
   */
  static final int DENSE_ITEMS = 4096;

  /** Visits each pair of items seen together, i < j, in order of i then j, with how often they were. */
  @FunctionalInterface
  private interface PairVisitor {
    void visit(int i, int j, double count);
  }

  @FunctionalInterface
  private interface Pairs {
    void forEach(PairVisitor v);
  }

  private static Pairs dense(int items, List<int[]> baskets, int maxBasket) {
    int[] counts = new int[(int) ((long) items * (items - 1) / 2)];
    for (int[] b : baskets) {
      for (int x = Math.max(0, b.length - maxBasket); x < b.length; x++) {
        for (int y = x + 1; y < b.length; y++) {
          int i = Math.min(b[x], b[y]);
          int j = Math.max(b[x], b[y]);
          counts[triangle(items, i, j)]++;
        }
      }
    }
    return v -> {
      for (int i = 0; i < items; i++) {
        int row = triangle(items, i, i + 1);
        for (int j = i + 1; j < items; j++) {
          int c = counts[row + j - i - 1];
          if (c > 0) {
            v.visit(i, j, c);
          }
        }
      }
    };
  }

  /** Where pair (i, j), i < j, is counted: row i of the upper triangle holds j = i+1 .. items-1. */
  private static int triangle(int items, int i, int j) {
    return (int) ((long) i * (2L * items - i - 1) / 2) + (j - i - 1);
  }

  private static Pairs sorted(long pairs, List<int[]> baskets, int maxBasket) {
    checkArgument(pairs < Integer.MAX_VALUE - 8, "too many item pairs (%s): lower maxBasket", pairs);
    long[] packed = new long[(int) pairs];
    int p = 0;
    for (int[] b : baskets) {
      for (int x = Math.max(0, b.length - maxBasket); x < b.length; x++) {
        for (int y = x + 1; y < b.length; y++) {
          int i = Math.min(b[x], b[y]);
          int j = Math.max(b[x], b[y]);
          packed[p++] = ((long) i << 32) | j;
        }
      }
    }
    Arrays.parallelSort(packed);
    return v -> {
      for (int s = 0; s < packed.length; ) {
        int e = s;
        while (e < packed.length && packed[e] == packed[s]) {
          e++;
        }
        v.visit((int) (packed[s] >>> 32), (int) packed[s], e - s);
        s = e;
      }
    };
  }

  /**
   * @param basketsOfItems each person's distinct item ids (0..items-1), most recent last
   */
  static ItemSimilarity build(int items, List<int[]> basketsOfItems, int maxBasket, int keep, double shrink) {
    return build(items, basketsOfItems, maxBasket, keep, shrink, items <= DENSE_ITEMS);
  }

  /** As {@link #build(int, List, int, int, double)}, counting pairs in an array ({@code dense}) or by sorting them. */
  static ItemSimilarity build(int items, List<int[]> basketsOfItems, int maxBasket, int keep, double shrink, boolean dense) {
    checkArgument(maxBasket >= 2, "maxBasket must be at least 2, got %s", maxBasket);
    checkArgument(keep >= 1, "keep must be positive, got %s", keep);
    checkArgument(shrink >= 0, "shrink must be non-negative, got %s", shrink);
    int[] n = new int[items];
    long pairs = 0;
    for (int[] b : basketsOfItems) {
      int m = Math.min(b.length, maxBasket);
      pairs += (long) m * (m - 1) / 2;
      for (int i = b.length - m; i < b.length; i++) {
        n[b[i]]++;
      }
    }
    Pairs together = dense ? dense(items, basketsOfItems, maxBasket) : sorted(pairs, basketsOfItems, maxBasket);
    // Two passes over the distinct pairs: count each item's neighbours, then fill.
    int[] degree = new int[items];
    together.forEach((i, j, c) -> {
      degree[i]++;
      degree[j]++;
    });
    int[][] nb = new int[items][];
    float[][] sim = new float[items][];
    for (int i = 0; i < items; i++) {
      nb[i] = new int[degree[i]];
      sim[i] = new float[degree[i]];
    }
    int[] fill = new int[items];
    together.forEach((i, j, c) -> {
      float v = (float) (c / Math.sqrt((double) n[i] * n[j]) * (c / (c + shrink)));
      nb[i][fill[i]] = j;
      sim[i][fill[i]++] = v;
      nb[j][fill[j]] = i;
      sim[j][fill[j]++] = v;
    });
    for (int i = 0; i < items; i++) {
      keepTop(nb, sim, i, keep);
    }
    return new ItemSimilarity(nb, sim, n);
  }

  /** Keeps an item's {@code keep} most similar neighbours, most similar first (ties: smaller id). */
  private static void keepTop(int[][] nb, float[][] sim, int i, int keep) {
    int d = nb[i].length;
    Integer[] order = new Integer[d];
    for (int x = 0; x < d; x++) {
      order[x] = x;
    }
    int[] ids = nb[i];
    float[] s = sim[i];
    Arrays.sort(order, (a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(ids[a], ids[b]));
    int k = Math.min(keep, d);
    int[] topIds = new int[k];
    float[] topSims = new float[k];
    for (int x = 0; x < k; x++) {
      topIds[x] = ids[order[x]];
      topSims[x] = s[order[x]];
    }
    nb[i] = topIds;
    sim[i] = topSims;
  }

  int[] neighbours(int item) {
    return neighbours[item];
  }

  float[] similarities(int item) {
    return similarities[item];
  }

  /** How many baskets hold the item. */
  int baskets(int item) {
    return baskets[item];
  }
}
