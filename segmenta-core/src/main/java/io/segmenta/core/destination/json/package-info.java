/** The JSON form of destinations ({@link io.segmenta.core.destination.json.DestinationJson}) and of a run. */
package io.segmenta.core.destination.json;
