/**
 * The JSON syntax of the segment language: GrowthBook's MongoDB-style targeting conditions plus behavioral
 * measures, parsed to and printed from the one AST of {@code core.rule} (round-trips). A wire format, kept out of
 * the language.
 */
package io.segmenta.core.rule.json;
