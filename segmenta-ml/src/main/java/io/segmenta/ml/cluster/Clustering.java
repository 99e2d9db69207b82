package io.segmenta.ml.cluster;

import java.util.List;

/**
 * A fitted clustering and how it was made: the centroids, each point's cluster, the within-cluster sum of squares
 * (inertia), and the seed, restarts and iterations that produced it, so the same call reproduces it exactly.
 */
public record Clustering(List<double[]> centroids, int[] labels, double inertia, long seed, int restarts, int iterations) {
  public Clustering {
    centroids = List.copyOf(centroids);
  }

  public int k() {
    return centroids.size();
  }

  /** How many points each cluster holds. */
  public int[] sizes() {
    int[] n = new int[centroids.size()];
    for (int l : labels) {
      n[l]++;
    }
    return n;
  }
}
