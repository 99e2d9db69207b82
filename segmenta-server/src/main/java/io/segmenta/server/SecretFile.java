package io.segmenta.server;

import io.segmenta.core.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A small file of credentials beside the database (write keys, the web app's users): one row per line, fields
 * separated by tabs, lines starting with {@code #} ignored. Kept owner-only, outside the DuckDB file because the CLI
 * edits it while {@code segmenta serve} runs: each read checks the file's time and size and parses it again when
 * either changed, so a revoked key or a removed user takes effect on the next request. A write puts the whole file
 * beside it (created owner-only) and moves it into place, so a reader sees the old file or the new one, never half.
 *
 * <p>Not synchronised: its owner guards it with its own lock, as its checks and changes must be one step.
 *
 * @param <T> the row
 */
public final class SecretFile<T> {
  /** How a row is read from its fields and written back; {@code expected} names the fields for error messages. */
  public interface Format<T> {
    int fields();

    String expected();

    T parse(String[] fields);

    List<String> format(T row);
  }

  private final Path file;
  private final String header;
  private final Format<T> format;
  private final Function<T, String> key;
  private Map<String, T> rows = Map.of();
  private FileTime readAt;
  private long readSize = -1;

  /** {@code header} is written as the file's first line (it should start with {@code #}); rows are keyed by {@code key}. */
  public SecretFile(Path file, String header, Format<T> format, Function<T, String> key) {
    if (!header.startsWith("#")) {
      throw new IllegalArgumentException("a header starts with '#', got '" + header + "'");
    }
    this.file = file;
    this.header = header;
    this.format = format;
    this.key = key;
  }

  public Path file() {
    return file;
  }

  /** The rows as the file holds them now, in file order, by key; empty when there is no file yet. */
  public Map<String, T> rows() {
    try {
      FileTime t = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (t.equals(readAt) && size == readSize) {
        return rows;
      }
      Map<String, T> read = new LinkedHashMap<>();
      int n = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != format.fields()) {
          throw new StoreException(file + " line " + n + ": expected " + format.expected() + " separated by tabs, got "
              + f.length + " field" + (f.length == 1 ? "" : "s"), null);
        }
        T row;
        try {
          row = format.parse(f);
        } catch (RuntimeException e) {
          throw new StoreException(file + " line " + n + ": " + e.getMessage(), e);
        }
        read.put(key.apply(row), row);
      }
      rows = Collections.unmodifiableMap(read);
      readAt = t;
      readSize = size;
      return rows;
    } catch (NoSuchFileException e) {
      rows = Map.of();
      readAt = null;
      readSize = -1;
      return rows;
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the file's rows with {@code all}, in their order, as the class comment says. */
  public void write(Collection<T> all) {
    List<String> lines = new ArrayList<>();
    lines.add(header);
    for (T row : all) {
      List<String> f = format.format(row);
      if (f.size() != format.fields() || f.stream().anyMatch(s -> s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0)) {
        throw new IllegalArgumentException("a row is " + format.fields() + " fields without tabs or line breaks, got " + f);
      }
      lines.add(String.join("\t", f));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(tmp);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
    readAt = null;
    rows();
  }
}
