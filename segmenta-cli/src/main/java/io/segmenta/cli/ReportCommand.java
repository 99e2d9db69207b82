package io.segmenta.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** What every report command has: the store to read and the as-of and format of the report. */
abstract class ReportCommand {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Mixin
  ReportOptions report;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
