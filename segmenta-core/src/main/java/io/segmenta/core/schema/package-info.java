/**
 * The schema: traits (name, type, family), event types and their properties, the standard schema, and what a name
 * may be ({@code Names}: how a name a client sends becomes a SQL-safe one). Part of the domain.
 */
package io.segmenta.core.schema;
