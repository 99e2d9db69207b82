package io.segmenta.cli;

import io.segmenta.core.port.Store;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The options every report shares: when it is evaluated, and how it is written. */
final class ReportOptions {
  @Option(names = "--as-of", description = "now (default), latest (the newest event), a date or an ISO instant.")
  String asOf;

  @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json.")
  String format;

  Instant asOf(Store store) {
    return StoreOptions.asOf(asOf, store);
  }

  Output.Format format() {
    return Output.format(format);
  }
}
