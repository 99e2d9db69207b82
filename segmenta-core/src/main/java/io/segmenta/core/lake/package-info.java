/**
 * Running the batch features on another engine over a lake (docs/lake.md, issue 19): {@code LakeEngine} is the port
 * such an engine provides (segmenta-spark's, found with {@link java.util.ServiceLoader} by {@code LakeEngines}, so no
 * module names it and its library stays off every other class path), and {@code Lake} an open lake: the core role
 * ports ({@code Audiences}, {@code Activity}, {@code Scores}, segment definitions, the catalog) over which core's own
 * RFM, P&amp;L, cohorts and conversions run unchanged, and the write-backs of memberships and their history.
 */
package io.segmenta.core.lake;
