/**
 * Consent purposes: the four purposes, analytics opt-out and the rest opt-in.
 */
package io.segmenta.core.privacy;
