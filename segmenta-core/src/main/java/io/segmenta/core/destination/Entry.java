package io.segmenta.core.destination;

/**
 * One member as a destination sees them: the profile, a 64-bit fingerprint of what is sent for them (a change of
 * identifiers is a new fingerprint: the old entry is removed, the new one added), what the state keeps so the entry can
 * be removed later ({@code kept}: hashed identifiers for the ad platforms, the member id for Mailchimp, the profile id
 * otherwise) and what an addition sends ({@code add}).
 */
public record Entry(String profileId, long fingerprint, String kept, String add) {}
