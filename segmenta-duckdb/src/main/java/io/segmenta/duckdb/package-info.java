/**
 * The embedded engine: {@code DuckDbStore} over one DuckDB file, the rule compiler to SQL with its
 * {@code Dialect}, kept aggregates ({@code Facts}), Parquet sources and store configuration. Issue 13 moves the
 * compiler, the kept aggregates and {@code Dialect} into the engine-neutral {@code segmenta-sql} module and splits
 * the store into package-private classes behind the role ports.
 */
package io.segmenta.duckdb;
