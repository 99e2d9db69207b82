/**
 * The consent rule, owned once: {@link io.segmenta.core.consent.ConsentPolicy} says whether recorded choices allow a
 * purpose, for every reader (the store's SQL, decisions, e-mail, admin views). Depends on the port's consent records
 * and on {@code privacy}'s purposes; nothing below it depends on it.
 */
package io.segmenta.core.consent;
