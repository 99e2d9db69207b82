package io.segmenta.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** What every command over the store has: its own spec (for output) and the store's options. */
abstract class StoreCommand {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
