/**
 * Recommendations: item similarity (co-occurrence cosine with shrinkage), {@code Recommender} (personal, session,
 * popular, trending, per segment; filters, diversity, provenance), ranking metrics and a time-split evaluation.
 */
package io.segmenta.ml.recommend;
