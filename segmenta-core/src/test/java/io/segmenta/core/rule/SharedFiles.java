package io.segmenta.core.rule;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared} (set by Surefire as segmenta.shared); tests that need it skip, saying why, without it. */
final class SharedFiles {
  private SharedFiles() {}

  /** The file, or null (after saying so) when ../shared is absent. */
  static Path find(String relative) {
    String base = System.getProperty("segmenta.shared", "../shared");
    Path p = Path.of(base).resolve(relative).normalize();
    if (!Files.isReadable(p)) {
      System.out.println(missing(p));
      return null;
    }
    return p;
  }

  static String missing(Path p) {
    return "skipped: " + p + " is absent (../shared is not beside the checkout)";
  }
}
