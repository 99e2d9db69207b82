/**
 * The quarterly review (issue 18): how each segment's composition drifted between periods
 * ({@link io.segmenta.core.review.Drift}, the population stability index of segmenta-stats), which segments to revisit
 * and why ({@link io.segmenta.core.review.Review}), and the alerts kept for the web app and sent to webhooks and as a
 * weekly digest ({@link io.segmenta.core.review.AlertLog}, {@link io.segmenta.core.review.Digest}).
 */
package io.segmenta.core.review;
