/**
 * The decision API's logic: placements and content, {@code Personalizer} (content rules compiled against the
 * schema and the request's {@code CONTEXT} traits; first match, highest score or an experiment; holdout; consent),
 * intent, interests, sessions, the in-memory {@code ProfileIndex}, and {@code Recommendations}, the port the
 * recommender implements. The placement JSON lives in {@code core.personalize.json}.
 */
package io.segmenta.core.personalize;
