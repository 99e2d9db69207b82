/**
 * The JSON forms of journeys ({@code JourneyJson}, for the store, the API, the CLI and files under version control) and
 * of their measures ({@code JourneyReportJson}), and the built-in journeys for the three flows ({@code JourneyTemplates},
 * JSON files beside it).
 */
package io.segmenta.core.journey.json;
