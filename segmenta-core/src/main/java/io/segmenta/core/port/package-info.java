/**
 * What adapters implement: {@code Store} and its records. Issue 13 splits {@code Store} into role ports owned by
 * the features that use them (schema, profiles and events, identity, consent, definitions, membership log, scores,
 * the audience engine); until then this package depends on {@code core.experiment} and {@code core.personalize},
 * the two package cycles the architecture test allows by name.
 */
package io.segmenta.core.port;
