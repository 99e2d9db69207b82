package io.segmenta.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the public datasets in {@code ../shared} beside the checkout (Surefire passes its place as the system
 * property {@code segmenta.shared}). Tests use it through JUnit assumptions so that they skip, saying why, when the
 * folder is absent; the data is never copied into the repository.
 */
public final class SharedData {
  private SharedData() {}

  public static Optional<Path> find(String relative) {
    String base = System.getProperty("segmenta.shared", System.getenv().getOrDefault("SEGMENTA_SHARED", "../shared"));
    Path p = Path.of(base).resolve(relative).toAbsolutePath().normalize();
    return Files.isReadable(p) ? Optional.of(p) : Optional.empty();
  }

  public static String missing(String relative) {
    return "skipped: ../shared/" + relative + " is absent (the shared datasets are not beside this checkout)";
  }
}
