/**
 * The JSON forms of experiments: {@code ExperimentJson} (Segmenta's definition, and GrowthBook's experiment JSON
 * read into it) and {@code ReportJson} (an analysis as JSON). Wire formats, kept out of the feature.
 */
package io.segmenta.core.experiment.json;
