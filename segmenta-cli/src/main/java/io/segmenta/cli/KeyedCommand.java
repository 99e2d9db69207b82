package io.segmenta.cli;

import picocli.CommandLine.Parameters;

/** A command on one saved thing (an experiment, a placement), named by its key. */
abstract class KeyedCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key it was saved under.")
  String key;
}
