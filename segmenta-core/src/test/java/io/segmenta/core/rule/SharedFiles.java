package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared} (set by Surefire as segmenta.shared); tests that need it skip, saying why, without it. */
final class SharedFiles {
  private SharedFiles() {}

  static Path require(String relative) {
    String base = System.getProperty("segmenta.shared", "../shared");
    Path p = Path.of(base).resolve(relative).normalize();
    assumeTrue(Files.isReadable(p), "skipped: " + p + " is absent (../shared is not beside the checkout)");
    return p;
  }
}
