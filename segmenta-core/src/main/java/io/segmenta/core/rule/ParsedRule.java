package io.segmenta.core.rule;

/** A rule with the places of its nodes in the source it was parsed from. */
public record ParsedRule(Rule rule, SourceMap sourceMap) {}
