/**
 * The CSV reader ({@code CsvSource}, RFC 4180 with the dialects shops export), one
 * {@link io.segmenta.core.ingest.RowSource}. A file reader, kept out of the domain.
 */
package io.segmenta.core.ingest.csv;
