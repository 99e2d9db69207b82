/**
 * The live server (Javalin): the Segment-compatible tracking API with its journal, the decision API, the admin
 * API, webhooks and the real-time feed. It is handed a {@code Store} and knows no engine (segmenta-duckdb is a
 * test dependency only).
 */
package io.segmenta.server;
