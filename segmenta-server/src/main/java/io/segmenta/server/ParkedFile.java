package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

  /** How many items a parked file holds (its non-blank lines; none if there is no file), without parsing them. */
  static long count(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }

  /**
   * Erasure reaches parked items too: every object naming one of the ids (as a {@code profileId}, {@code userId} or
   * {@code profile_id} value, or an anonymous id) is removed from the arrays of each item (a batch of changes or
   * events keeps its other people's entries); a line whose item names them itself, or whose array they emptied, is
   * removed. The file is rewritten atomically, and only if something changed.
   */
  static synchronized void forget(Path file, Collection<String> profileIds, Collection<String> anonymousIds) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<JsonNode> keep = new ArrayList<>();
    boolean changed = false;
    for (JsonNode l : read(file)) {
      JsonNode item = l.path("item");
      Pruned p = names(item, profileIds, anonymousIds) ? Pruned.EMPTIED : prune(item, profileIds, anonymousIds);
      changed |= p != Pruned.NONE;
      if (p != Pruned.EMPTIED) {
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

  private enum Pruned { NONE, PRUNED, EMPTIED }

  /** Removes the array entries naming the ids, anywhere in {@code n}; EMPTIED if an array lost all its entries. */
  private static Pruned prune(JsonNode n, Collection<String> ids, Collection<String> anonymous) {
    Pruned out = Pruned.NONE;
    if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      int before = a.size();
      for (int i = a.size() - 1; i >= 0; i--) {
        if (names(a.get(i), ids, anonymous)) {
          a.remove(i);
        }
      }
      if (a.size() < before) {
        out = a.isEmpty() ? Pruned.EMPTIED : Pruned.PRUNED;
      }
    }
    for (JsonNode x : n) {
      Pruned p = prune(x, ids, anonymous);
      out = p.compareTo(out) > 0 ? p : out;
    }
    return out;
  }

  /** Whether an object names one of the ids in its own fields. */
  private static boolean names(JsonNode n, Collection<String> ids, Collection<String> anonymous) {
    if (!n.isObject()) {
      return false;
    }
    for (var it = n.fields(); it.hasNext(); ) {
      var f = it.next();
      String k = f.getKey();
      String v = f.getValue().isTextual() ? f.getValue().asText() : null;
      if (v != null && ((k.equals("profileId") || k.equals("userId") || k.equals("profile_id")) && ids.contains(v)
          || (k.equals("anonymousId") || k.equals("anonymous_id")) && anonymous.contains(v))) {
        return true;
      }
    }
    return false;
  }
}
