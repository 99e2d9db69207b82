/** The JSON form of a journey ({@code JourneyJson}), for the store, the API, the CLI and files under version control. */
package io.segmenta.core.journey.json;
