/**
 * The records of the domain: {@code Profile}, {@code Identifier}, {@code Event}, {@code OrderLine},
 * {@code ProfileHistory}. JDK, values and schema only.
 */
package io.segmenta.core.model;
