package io.segmenta.server;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.ConsentRecord;
import java.io.ByteArrayOutputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The journal's files. {@code journal.log} and {@code journal.parked} are sequences of frames: a record's length (4
 * bytes), its CRC32 (4 bytes) and the record. A reader stops at the first frame that is short or whose CRC does not
 * match: the torn tail of a write whose fsync never returned, so never acknowledged. A parked frame holds the cause's
 * length (4 bytes), the cause in UTF-8 and the journal record as it was.
 */
final class JournalFile {
  private JournalFile() {}

  static byte[] frame(byte[] body) {
    CRC32 c = new CRC32();
    c.update(body);
    return ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) c.getValue()).put(body).array();
  }

  /** The records of a file's frames, up to a torn or corrupt one. */
  static List<byte[]> frames(byte[] file) {
    ByteBuffer all = ByteBuffer.wrap(file);
    List<byte[]> out = new ArrayList<>();
    while (all.remaining() >= 8) {
      int len = all.getInt();
      int crc = all.getInt();
      if (len < 0 || len > all.remaining()) {
        break;
      }
      byte[] body = new byte[len];
      all.get(body);
      CRC32 c = new CRC32();
      c.update(body);
      if ((int) c.getValue() != crc) {
        break;
      }
      out.add(body);
    }
    return out;
  }

  /** Appends one frame to {@code file} and forces it to disk. */
  static synchronized void append(Path file, byte[] record) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(frame(record));
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      out.force(false);
    }
  }

  /** A parked record: why, and the journal record. */
  static byte[] parked(String cause, byte[] record) {
    byte[] why = cause.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + why.length + record.length).putInt(why.length).put(why).put(record).array();
  }

  /** What {@code journal.parked} in {@code dataDir} holds: each parked record's cause and bytes (for tools and tests). */
  static List<Map.Entry<String, byte[]>> parked(Path dataDir) throws IOException {
    List<Map.Entry<String, byte[]>> out = new ArrayList<>();
    Path p = dataDir.resolve("journal.parked");
    if (!Files.exists(p)) {
      return out;
    }
    for (byte[] payload : frames(Files.readAllBytes(p))) {
      ByteBuffer b = ByteBuffer.wrap(payload);
      byte[] why = new byte[b.getInt()];
      b.get(why);
      byte[] record = new byte[b.remaining()];
      b.get(record);
      out.add(Map.entry(new String(why, StandardCharsets.UTF_8), record));
    }
    return out;
  }

  /**
   * Erasure reaches {@code journal.parked}: each parked record loses the profiles, events and consent choices of the
   * erased ids (and the events of their anonymous ids), and its violations (their examples may quote the person's
   * values); a record left with nothing to write goes. A record in the first (JSON) format, which cannot be read
   * without the schema, goes whole if it names one of the ids. The file is rewritten atomically, only if something
   * changed.
   */
  static synchronized void forget(Path dataDir, Collection<String> ids, Collection<String> anonymous) throws IOException {
    Path p = dataDir.resolve("journal.parked");
    List<Map.Entry<String, byte[]>> parked = parked(dataDir);
    if (parked.isEmpty()) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean changed = false;
    for (Map.Entry<String, byte[]> e : parked) {
      byte[] kept = without(e.getValue(), ids, anonymous);
      changed |= kept != e.getValue();
      if (kept != null) {
        out.writeBytes(frame(parked(e.getKey(), kept)));
      }
    }
    if (changed) {
      replace(p, out.toByteArray());
    }
  }

  /**
   * Replaces {@code file} with {@code content} so that a crash at any moment leaves the old file or the new one,
   * never a mix and never the old bytes after the new ones were promised: the content is written beside it and
   * forced, moved over it atomically, and the directory forced so the move itself survives a power cut.
   */
  static void replace(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(false);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException notOnThisPlatform) {
      // Some platforms cannot open a directory; the atomic move is what matters there.
    }
  }

  /** The record without the ids (the same array if it holds none of them; null if nothing is left). */
  static byte[] without(byte[] record, Collection<String> ids, Collection<String> anonymous) {
    if (record.length > 0 && record[0] == '{') {
      String text = new String(record, StandardCharsets.UTF_8);
      boolean names = ids.stream().anyMatch(id -> text.contains(Http.JSON.getNodeFactory().textNode(id).toString()))
          || anonymous.stream().anyMatch(id -> text.contains(Http.JSON.getNodeFactory().textNode(id).toString()));
      return names ? null : record;
    }
    JournalRecord r = JournalCodec.decode(record);
    List<Profile> profiles = r.profiles().stream().filter(x -> !ids.contains(x.id())).toList();
    List<Event> events = r.events().stream()
        .filter(x -> !(x.profileId() != null && ids.contains(x.profileId())) && !(x.anonymousId() != null && anonymous.contains(x.anonymousId())))
        .toList();
    Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>(r.consents());
    consents.keySet().removeAll(ids);
    if (profiles.size() == r.profiles().size() && events.size() == r.events().size() && consents.size() == r.consents().size()) {
      return record;
    }
    if (profiles.isEmpty() && events.isEmpty() && consents.isEmpty()) {
      return null;
    }
    return JournalCodec.encode(new JournalRecord(r.source(), r.receivedAt(), r.traits(), r.properties(), r.propertyTypes(), profiles, events,
        consents, List.of()));
  }

  /**
   * Moves the records parked in {@code dataDir} back into {@code journal.log}, for the next start to apply once their
   * cause is fixed; only while no server runs on the directory. A torn tail of the log is cut first (its write was
   * never acknowledged, and frames after it would not be read); the records are appended and forced before the
   * parked file goes, so a crash between the two leaves a record in both, and applying a record twice changes
   * nothing. Returns how many records were moved.
   */
  static int requeue(Path dataDir) throws IOException {
    List<Map.Entry<String, byte[]>> parked = parked(dataDir);
    if (parked.isEmpty()) {
      return 0;
    }
    Path log = dataDir.resolve("journal.log");
    long valid = 0;
    if (Files.exists(log)) {
      for (byte[] r : frames(Files.readAllBytes(log))) {
        valid += 8 + r.length;
      }
    }
    try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      out.truncate(valid);
      out.position(valid);
      for (Map.Entry<String, byte[]> p : parked) {
        ByteBuffer buf = ByteBuffer.wrap(frame(p.getValue()));
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
      out.force(false);
    }
    Files.delete(dataDir.resolve("journal.parked"));
    return parked.size();
  }
}
