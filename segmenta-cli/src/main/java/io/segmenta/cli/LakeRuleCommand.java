package io.segmenta.cli;

import io.segmenta.core.lake.Lake;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import picocli.CommandLine.Mixin;

/** A subcommand that also runs on Spark over a lake ({@code --engine spark --lake DIR}). */
abstract class LakeRuleCommand extends SegmentCommand.RuleCommand {
  @Mixin
  EngineOptions engine;

  /** What a subcommand does with the open lake, the resolved rule and the as-of instant. */
  @FunctionalInterface
  interface LakeAction {
    void run(Lake lake, Rule rule, Instant asOf) throws IOException;
  }

  /** As {@link #withRule} on the lake: RULE may name one of the lake's saved segments. */
  int withLakeRule(String rule, LakeAction action) throws IOException {
    try (Lake lake = engine.open()) {
      Segments segments = new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), Clock.systemUTC());
      Rule r = segments.ruleOf(rule);
      resolved = StoreOptions.resolve(asOf, lake.lastEvent().orElse(null));
      PrintWriter err = spec.commandLine().getErr();
      Output.warnings(err, segments.warnings(r));
      Output.notes(err, segments.scoreNotes(r, resolved.instant()));
      action.run(lake, r, resolved.instant());
    }
    return 0;
  }
}

