package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.why.SegmentWhy;
import io.segmenta.core.why.Trace;
import io.segmenta.core.why.TraceText;
import io.segmenta.core.why.json.TraceJson;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code segmenta segment why NAME PROFILE}: every condition of a saved segment for one profile, what decided, and the closest miss. */
@Command(name = "why", mixinStandardHelpOptions = true,
    description = "Why a profile is in or out of a saved segment: each condition with the value it read (traits, aggregates in their"
        + " windows, nested segments), the conditions that decided, and for someone out the closest miss.")
final class SegmentWhyCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Parameters(index = "0", paramLabel = "NAME", description = "A saved segment's name.")
  String name;

  @Parameters(index = "1", paramLabel = "PROFILE", description = "A profile id, or an identifier's value with --by.")
  String profile;

  @Option(names = "--by", paramLabel = "KIND", description = "Find the profile by an identifier of this kind (email, phone, anonymous_id, ...).")
  String by;

  @Option(names = "--as-of", description = "The instant the rule is evaluated at: now, latest, a date or an ISO instant; default as for 'segment count'.")
  String asOf;

  @Option(names = "--format", defaultValue = "text", description = "text (default) or json.")
  String format;

  @Override
  public Integer call() {
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserException("--format must be text or json, got '" + format + "'");
    }
    try (Store s = store.open()) {
      Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
      Trace t = new SegmentWhy(segments, s.segmentDefinitions(), s.profiles()).explain(name, profile, by, StoreOptions.resolve(asOf, s).instant());
      PrintWriter out = spec.commandLine().getOut();
      out.print(format.equals("json") ? TraceJson.toJson(t).toPrettyString() + "\n" : TraceText.print(t));
      out.flush();
    }
    return 0;
  }
}
