/**
 * Benchmarks: JMH micro-benchmarks and end-to-end runs against a peer (hand-written SQL, a tracking client) in the
 * same run.
 */
package io.segmenta.bench;
