package io.segmenta.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.destination.Channel;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.BiConsumer;

/**
 * A destination written whole to a folder each run, as {@code <folder>/<key>.<csv|jsonl|parquet>}, replaced
 * atomically (written beside it, then moved): the generic e-mail CSV ({@code email}), or files of
 * {@code profile_id, email, phone} as CSV, JSON lines or Parquet. Parquet is converted from the CSV by the engine
 * the caller hands in (the store's; the server knows none).
 */
final class FileChannel implements Channel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BiConsumer<Path, Path> csvToParquet;

  FileChannel(BiConsumer<Path, Path> csvToParquet) {
    this.csvToParquet = csvToParquet;
  }

  @Override
  public Delivery deliver(Changes c) {
    Destination d = c.destination();
    String format = d.kind() == Destination.Kind.CSV ? "csv" : d.settings().get("format");
    Path folder = Path.of(d.settings().get("folder"));
    Path target = folder.resolve(d.key() + "." + format);
    try {
      Files.createDirectories(folder);
      Path part = folder.resolve("." + d.key() + "." + format + ".part");
      if (format.equals("parquet")) {
        Path csv = folder.resolve("." + d.key() + ".csv.part");
        write(csv, c, "csv");
        if (csvToParquet == null) {
          throw new ChannelException("parquet files need the store's engine, which this process does not have", false);
        }
        csvToParquet.accept(csv, part);
        Files.deleteIfExists(csv);
      } else {
        write(part, c, format);
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Delivery.ALL;
    } catch (IOException | UncheckedIOException e) {
      throw new ChannelException("could not write " + target + ": " + e.getClass().getSimpleName(), true, e);
    }
  }

  private static void write(Path file, Changes c, String format) throws IOException {
    boolean email = c.destination().kind() == Destination.Kind.CSV;
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      if (format.equals("csv")) {
        w.write(email ? "email\n" : "profile_id,email,phone\n");
      }
      for (Entry e : c.all()) {
        if (email) {
          w.write(csv(e.add()) + "\n");
          continue;
        }
        String[] f = e.add().split("\t", -1);
        if (format.equals("jsonl")) {
          w.write(JSON.createObjectNode().put("profile_id", f[0]).put("email", f[1].isEmpty() ? null : f[1])
              .put("phone", f[2].isEmpty() ? null : f[2]).toString() + "\n");
        } else {
          w.write(csv(f[0]) + "," + csv(f[1]) + "," + csv(f[2]) + "\n");
        }
      }
    }
  }

  static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
