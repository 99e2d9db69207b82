package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Items background work gave up on, one JSON line each in a file of the data directory (for example
 * {@code membership.parked}): {@code {"at", "error", "causes": [...], "item": ...}}, appended and forced to disk
 * before the item is let go, so a parked item survives a crash. An operator reads them with {@code segmenta status}
 * and replays the items (their form is the job's own: membership changes as the history API shows them, exposures
 * as {@code segmenta import} reads events, webhook bodies as delivered). The journal parks its binary records in
 * its own format ({@link JournalFile}).
 */
final class ParkedFile {
  private ParkedFile() {}

  /** Appends one parked item with its failure. */
  static synchronized void append(Path file, BackgroundStatus.Failure why, JsonNode item) throws IOException {
    ObjectNode o = Http.JSON.createObjectNode().put("at", why.at().toString()).put("error", why.message());
    why.causes().forEach(o.putArray("causes")::add);
    o.set("item", item);
    byte[] line = (o + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(false);
    }
  }

  /** The parked lines of a file, oldest first (none if there is no file). */
  static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      for (String l : (Iterable<String>) lines::iterator) {
        if (!l.isBlank()) {
          out.add(Http.JSON.readTree(l));
        }
      }
    }
    return out;
  }

  /**
   * Erasure reaches parked items too: drops every line that names one of {@code profileIds} anywhere in its item
   * (as a {@code profileId}, {@code userId} or {@code profile_id} value, or an anonymous id), rewriting the file
   * atomically.
   */
  static synchronized void forget(Path file, Collection<String> profileIds, Collection<String> anonymousIds) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<JsonNode> keep = new ArrayList<>();
    boolean changed = false;
    for (JsonNode l : read(file)) {
      if (names(l.path("item"), profileIds, anonymousIds)) {
        changed = true;
      } else {
        keep.add(l);
      }
    }
    if (!changed) {
      return;
    }
    StringBuilder s = new StringBuilder();
    keep.forEach(l -> s.append(l).append('\n'));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, s, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean names(JsonNode n, Collection<String> ids, Collection<String> anonymous) {
    if (n.isObject()) {
      for (var it = n.fields(); it.hasNext(); ) {
        var f = it.next();
        String k = f.getKey();
        if (f.getValue().isTextual() && ((k.equals("profileId") || k.equals("userId") || k.equals("profile_id")) && ids.contains(f.getValue().asText())
            || (k.equals("anonymousId") || k.equals("anonymous_id")) && anonymous.contains(f.getValue().asText()))) {
          return true;
        }
        if (names(f.getValue(), ids, anonymous)) {
          return true;
        }
      }
    } else if (n.isArray()) {
      for (JsonNode x : n) {
        if (names(x, ids, anonymous)) {
          return true;
        }
      }
    }
    return false;
  }
}
