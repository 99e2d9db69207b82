/**
 * The root of the core module: the one unchecked exception hierarchy ({@code SegmentaException};
 * {@code UserException} for the user's mistake, printed as one line; {@code StoreException} for a fault) and
 * preconditions. Part of the domain: it depends on the JDK alone.
 */
package io.segmenta.core;
