/**
 * The audience engine on Apache Spark (issue 19): {@code SparkLake} opens a lake in the layout of docs/lake.md
 * (written by {@code segmenta export-store --format parquet} or a shop's own pipeline) as views of a Spark session,
 * and {@code SparkAudiences} counts and lists a rule's members with segmenta-sql's compiler in its Spark dialect
 * (no second compiler). {@code SparkSessions} starts a session with the settings Segmenta needs. Spark is a
 * provided dependency of this module only.
 */
package io.segmenta.spark;
