package io.segmenta.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What erasure tests check on disk: no file of a data directory may still hold an erased person's text. */
public final class DataFiles {
  private DataFiles() {}

  /** The files below {@code dir} (relative to it) in which {@code text} occurs, byte for byte as UTF-8. */
  public static List<String> holding(Path dir, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (contains(Files.readAllBytes(f), needle)) {
          out.add(dir.relativize(f).toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir, e);
    }
    return out;
  }

  private static boolean contains(byte[] b, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= b.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
