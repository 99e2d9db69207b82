/**
 * The {@code segmenta} command line (picocli): one command class per command; it opens the store (DuckDB) and
 * wires the server.
 */
package io.segmenta.cli;
