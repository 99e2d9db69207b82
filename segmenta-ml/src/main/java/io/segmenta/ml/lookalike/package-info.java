/**
 * Lookalikes: a ridge logistic model of a seed against the population, tiers as segment rules, evaluation by
 * hiding part of the seed.
 */
package io.segmenta.ml.lookalike;
