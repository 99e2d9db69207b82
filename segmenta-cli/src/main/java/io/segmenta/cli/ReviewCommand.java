package io.segmenta.cli;

import io.segmenta.core.deletion.SegmentDeletion;
import io.segmenta.core.review.Finding;
import io.segmenta.core.review.Review;
import io.segmenta.core.review.Uses;
import io.segmenta.core.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code segmenta review}: the segments to revisit and why (stale, shrinking or growing fast, drifting, too small to
 * act on, overlapping heavily with another, never acted on), as the quarterly review asks.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
    description = "List the segments to revisit: stale, shrinking or growing fast, drifting, too small, overlapping heavily, never acted on.")
final class ReviewCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Store s = store.open()) {
      Instant now = Clock.systemUTC().instant();
      SegmentDeletion deletion = s.segmentDeletion(x -> { });
      Review review = new Review(s.segmentDefinitions(), s.audiences(), s.history(), Uses.of(deletion), Review.Settings.DEFAULT);
      List<Finding> findings = review.findings(now, s.profiles().stats().lastEvent());
      if (findings.isEmpty()) {
        out.println("no segment needs a look");
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Finding f : findings) {
        rows.add(List.of(f.segment(), f.reason().label(), f.detail()));
      }
      Charts.table(out, List.of("segment", "why", "what shows it"), rows);
    }
    return 0;
  }
}
