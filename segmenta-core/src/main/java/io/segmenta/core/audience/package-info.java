/**
 * Audiences as the channels take them: one small class per platform normalising and hashing identifiers
 * ({@link io.segmenta.core.audience.MetaNormaliser}, {@link io.segmenta.core.audience.GoogleNormaliser},
 * {@link io.segmenta.core.audience.MailchimpHash}), with the phone rules they share ({@link io.segmenta.core.audience.PhoneNumbers})
 * and the digests ({@link io.segmenta.core.audience.Digests}). Golden values are the platforms' own documentation examples.
 */
package io.segmenta.core.audience;
