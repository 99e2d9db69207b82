package io.segmenta.duckdb;

import io.segmenta.core.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The idempotency keys of sends delivered since their round's last mark, one per line in a file beside the database
 * ({@code journey-deliveries.log}). Why: a round's sends are claimed in one transaction and marked sent in one after
 * all are delivered (StepRounds); a kill between would make the restart deliver the whole round again. A line written
 * here right after each delivery is one {@code write} call into the operating system's page cache, which a killed
 * process cannot take back (only a machine crash can, and then the round is delivered again with the same keys, as
 * docs/architecture.md says), so a restart marks the noted keys sent before any journey runs. The file is emptied
 * once its keys are marked. A torn last line (a kill inside the write) is a key not fully noted, and is ignored.
 */
final class DeliveryNotes {
  private final Path file;
  private final Set<String> open = new HashSet<>();
  private FileChannel channel;

  DeliveryNotes(Path file) {
    this.file = file;
  }

  static DeliveryNotes beside(Path databaseFile) {
    return new DeliveryNotes(databaseFile.resolveSibling("journey-deliveries.log"));
  }

  /** Notes a delivered key: one write, no sync (durable against a process kill, not a machine crash). */
  synchronized void note(String key) {
    if (key.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a delivery key must be one line: " + key);
    }
    try {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
      open.add(key);
      ByteBuffer line = ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8));
      while (line.hasRemaining()) {
        channel.write(line);
      }
    } catch (IOException e) {
      throw new UserException("journeys: cannot note a delivery in " + file + ": " + e.getMessage());
    }
  }

  /** The keys noted and not yet cleared, complete lines only. */
  synchronized List<String> keys() {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      List<String> out = new ArrayList<>();
      if (end < 0) {
        return out;
      }
      for (String k : text.substring(0, end).split("\n", -1)) {
        if (!k.isEmpty()) {
          out.add(k);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("journeys: cannot read " + file, e);
    }
  }

  /** These keys are marked sent in the store: the file is emptied once every key noted is. */
  synchronized void marked(Collection<String> keys) {
    open.removeAll(keys);
    if (open.isEmpty()) {
      clear();
    }
  }

  /** Empties the file: every key noted so far is marked sent in the store. */
  synchronized void clear() {
    open.clear();
    try {
      if (channel != null) {
        channel.truncate(0);
      } else if (Files.isRegularFile(file)) {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
          c.truncate(0);
        }
      }
    } catch (IOException e) {
      throw new UserException("journeys: cannot empty " + file + ": " + e.getMessage());
    }
  }

  synchronized void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Closing after the last note: the lines are written already.
      }
      channel = null;
    }
  }
}
