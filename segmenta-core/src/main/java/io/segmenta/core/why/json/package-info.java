/** The JSON form of a why-trace ({@code TraceJson}), for the admin API and the CLI's {@code --format json}. */
package io.segmenta.core.why.json;
