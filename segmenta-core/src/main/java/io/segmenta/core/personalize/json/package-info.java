/**
 * The JSON form of placements and their content ({@code PlacementJson}). A wire format, kept out of the feature.
 */
package io.segmenta.core.personalize.json;
