package io.segmenta.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No class over 500 lines without a reason in its header: a file of main sources that long says, in the comment
 * before its type declaration, "Over 500 lines:" and why (or which split is planned).
 */
class ClassSizeTest {
  private static final int LIMIT = 500;
  private static final Pattern TYPE = Pattern.compile(
      "^(?:public |protected |private |abstract |final |sealed |non-sealed |static )*(?:class|interface|record|enum|@interface) ",
      Pattern.MULTILINE);

  @Test
  void longClasses_sayWhyInTheirHeader() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("segmenta-")).toList()) {
        Path java = module.resolve("src/main/java");
        if (Files.isDirectory(java)) {
          try (Stream<Path> walk = Files.walk(java)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
          }
        }
      }
    }
    assertTrue(files.size() > 200, "expected every module's main sources under " + root + ", found " + files.size());
    List<String> unexplained = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file);
      if (lines.size() <= LIMIT) {
        continue;
      }
      String text = String.join("\n", lines);
      Matcher m = TYPE.matcher(text);
      String header = m.find() ? text.substring(0, m.start()) : text;
      if (!header.contains("Over " + LIMIT + " lines")) {
        unexplained.add(root.relativize(file) + " (" + lines.size() + " lines)");
      }
    }
    assertEquals(List.of(), unexplained, "split these, or say why not in the header (\"Over 500 lines: ...\")");
  }
}
