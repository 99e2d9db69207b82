package io.segmenta.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of every module says what it owns, in a {@code package-info.java} with a javadoc comment. */
class PackageInfoTest {
  @Test
  void packages_haveAPackageInfo() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Set<Path> packages = new TreeSet<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("segmenta-")).toList()) {
        Path java = module.resolve("src/main/java");
        if (Files.isDirectory(java)) {
          try (Stream<Path> walk = Files.walk(java)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(p -> packages.add(p.getParent()));
          }
        }
      }
    }
    assertTrue(packages.size() > 30, "expected every module's packages under " + root + ", found " + packages.size());
    List<String> missing = packages.stream()
        .filter(p -> !describes(p.resolve("package-info.java")))
        .map(p -> root.relativize(p).toString())
        .toList();
    assertEquals(List.of(), missing, "packages without a package-info.java that says what they own");
  }

  private static boolean describes(Path info) {
    try {
      return Files.isRegularFile(info) && Files.readString(info).trim().startsWith("/**");
    } catch (IOException e) {
      return false;
    }
  }
}
