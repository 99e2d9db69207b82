package io.segmenta.core.destination;

import java.util.List;

/** The history of destination runs: added, removed, failed, and why. */
public interface RunHistory {

  void record(Run run);

  /** The latest runs of a destination, newest first. */
  List<Run> runs(String destination, int limit);
}
