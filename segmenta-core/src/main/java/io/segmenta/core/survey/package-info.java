/**
 * Survey answers linked to profiles by any identifier, kept as typed {@code survey_<question>} traits with their
 * date, and cross-tabs by segment with a chi-square test.
 */
package io.segmenta.core.survey;
