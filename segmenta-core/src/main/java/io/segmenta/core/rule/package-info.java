/**
 * The segment language: the typed AST ({@code Rule}, {@code Condition}, {@code Op}, {@code Measure},
 * {@code Window}), its text syntax ({@code RuleText}: parse and print), {@code TypeChecker}, and
 * {@code Evaluator}, the reference semantics for one profile in memory (GrowthBook's JavaScript coercions in
 * {@code Js} and {@code Semantics.GROWTHBOOK}). Part of the domain: no JSON library, no feature package; the JSON
 * syntax lives in {@code core.rule.json}.
 */
package io.segmenta.core.rule;
