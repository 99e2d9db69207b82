/**
 * The import pipeline: {@code RowSource} (any tabular file), {@code Mapping}, row mappers for profiles, events and
 * order lines, coercion of cells to the schema's types, and {@code Importer} (check the whole file, then one
 * atomic write; Segmenta's canonical JSON lines). File formats live in sub-packages: {@code csv}; Segment's
 * tracking spec in {@code segment}.
 */
package io.segmenta.core.ingest;
