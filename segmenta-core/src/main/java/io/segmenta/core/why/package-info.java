/**
 * Why a profile is in or out of a segment (issue 18): {@code Why} traces a rule over one profile with the in-memory
 * {@code Evaluator} deciding every condition, into a {@code Trace} of {@code Step}s (trait values, each aggregate's
 * value in its window, nested segments) that marks the conditions that decided, and for someone out the closest
 * miss ({@code Miss}); {@code TraceText} prints it for people. Domain only: no JSON library (that is {@code core.why.json}).
 */
package io.segmenta.core.why;
