/**
 * The engine-neutral SQL of segment rules: the compiler (a plan of the aggregates and row conditions a rule needs,
 * rendered as grouped scans), the aggregates kept per profile, the experiment analysis query, and the {@link
 * io.segmenta.sql.Dialect} through which everything an engine writes its own way is written. No engine, no driver.
 */
package io.segmenta.sql;
