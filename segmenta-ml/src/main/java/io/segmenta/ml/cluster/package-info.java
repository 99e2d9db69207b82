/**
 * Clustering: k-means (k-means++ seeds, restarts, silhouette), Gaussian mixtures (EM, BIC), features from traits
 * ({@code FeatureMatrix}), {@code Segmentation} (choice of k, profiles by effect size, names) and
 * {@code Explanation} (a shallow tree as one segment rule per cluster).
 */
package io.segmenta.ml.cluster;
