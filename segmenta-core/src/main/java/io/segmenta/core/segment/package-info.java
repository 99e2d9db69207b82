/**
 * Saved segments: parse (text or JSON), type-check with cycles of references, save in canonical text; notes when a
 * rule reads scores computed for another as-of.
 */
package io.segmenta.core.segment;
