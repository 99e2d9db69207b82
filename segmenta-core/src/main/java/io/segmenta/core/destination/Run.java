package io.segmenta.core.destination;

import java.time.Instant;
import java.util.List;

/**
 * One sync of a destination: when, whether a dry run, how it ended, how many members the segment had (after
 * consent), how many were added, removed, and failed (the channel refused or they had no usable identifier), why it
 * failed, after how many attempts, and (dry runs only) examples of profile ids added and removed.
 */
public record Run(String destination, Instant startedAt, Instant finishedAt, boolean dryRun, Status status, long members,
    long added, long removed, long failed, String reason, int attempts, List<String> addExamples, List<String> removeExamples) {

  public enum Status { OK, FAILED, DRY_RUN }

  public Run {
    addExamples = List.copyOf(addExamples);
    removeExamples = List.copyOf(removeExamples);
  }
}
