/**
 * The JSON form of {@link io.segmenta.core.value.Value} (Jackson's tree model; dates as extended JSON
 * {@code {"$date": ...}}). A wire format, kept out of the domain.
 */
package io.segmenta.core.value.json;
