/**
 * The role ports an engine implements, each small and named for what it keeps: {@code Catalog} (the schema and its
 * declarations), {@code Profiles} (writes, histories, lookups, erasure), {@code Identities} (the merge log),
 * {@code ConsentLedger}, {@code Definitions} (one generic repository for segments, experiments and placements),
 * {@code Audiences} with its typed {@code AudienceQuery}, {@code Scores} with their {@code ScoreProvenance},
 * {@code ViolationLog} and {@code Activity}; and the records they exchange. It imports only the domain and the
 * language, never a feature: features that need a read of their own own its port (the membership log in
 * {@code core.realtime}, experiment data in {@code core.experiment}).
 */
package io.segmenta.core.port;
