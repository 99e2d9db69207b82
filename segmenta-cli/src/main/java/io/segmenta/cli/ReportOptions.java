package io.segmenta.cli;

import io.segmenta.core.lake.Lake;
import io.segmenta.core.store.Store;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The options every report shares: when it is evaluated, and how it is written. */
final class ReportOptions {
  @Option(names = "--as-of", description = "now, latest (the newest event), a date or an ISO instant; default now, or latest when the newest event is over 30 days old.")
  String asOf;

  @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json.")
  String format;

  /** What {@link #asOf(Store)} resolved, for the result's "as of" line; null before. */
  StoreOptions.AsOf resolved;

  Instant asOf(Store store) {
    resolved = StoreOptions.resolve(asOf, store);
    return resolved.instant();
  }

  /** As {@link #asOf(Store)} on a lake. */
  Instant asOf(Lake lake) {
    resolved = StoreOptions.resolve(asOf, lake.lastEvent().orElse(null));
    return resolved.instant();
  }

  /** "as of 2011-12-09T12:50:00Z (latest event)", after {@link #asOf(Store)}. */
  String asOfLine() {
    return Output.asOf(resolved);
  }

  Output.Format format() {
    return Output.format(format);
  }
}
