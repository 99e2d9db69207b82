package io.segmenta.cli;

import picocli.CommandLine.Mixin;

/** What every report command has: the store to read and the as-of and format of the report. */
abstract class ReportCommand extends StoreCommand {
  @Mixin
  ReportOptions report;
}
