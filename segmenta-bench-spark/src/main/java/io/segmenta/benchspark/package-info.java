/**
 * SparkBench (issue 19): the ten segments of SegmentBench and the value report of ValueBench on Spark
 * (segmenta-spark over the Parquet lake) against the embedded DuckDB store, in one run, with where Spark's time goes
 * ({@code StageClock}); and {@code ShopCopies}, which makes the 10M-customer shop from the stored 1M one. The one
 * module besides segmenta-spark that may name Spark (the architecture test says why).
 */
package io.segmenta.benchspark;
