package io.segmenta.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No fully qualified type names written inline: every type a file uses is imported, so its dependencies are read
 * from its import lines (by people and by tools) and ArchUnit's picture matches the source. The bytecode cannot
 * tell, so this reads every {@code .java} file under {@code src/main} and {@code src/test} of every module.
 *
 * <p>The scanner blanks comments (javadoc's {@code {@link}} may qualify a name), string and character literals and
 * text blocks, keeping offsets so a finding points at its line; then it skips {@code package} and {@code import}
 * lines and looks for a qualified name that ends in a type: lower-case package segments, then an upper-case one.
 */
class QualifiedNamesTest {
  private static final Pattern QUALIFIED = Pattern.compile(
      "(?<![\\w.])(?:java|javax|io\\.segmenta|com\\.fasterxml|org\\.duckdb|io\\.javalin|picocli)\\.(?:[a-z_]\\w*\\.)*[A-Z]\\w*");
  private static final Pattern DECLARATION = Pattern.compile("\\s*(?:package|import)\\s.*");

  @Test
  void sources_useNoInlineQualifiedNames() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("segmenta-")).toList()) {
        for (String set : List.of("main", "test")) {
          Path java = module.resolve("src").resolve(set).resolve("java");
          if (Files.isDirectory(java)) {
            try (Stream<Path> walk = Files.walk(java)) {
              walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
            }
          }
        }
      }
    }
    assertTrue(files.size() > 300, "expected the sources of every module under " + root + ", found " + files.size());
    List<String> found = new ArrayList<>();
    for (Path file : files) {
      found.addAll(inline(root.relativize(file).toString(), read(file)));
    }
    assertEquals(List.of(), found, "import these types instead of naming them inline");
  }

  @Test
  void inline_commentsStringsAndImports_ignored() {
    String source = String.join("\n",
        "package io.segmenta.x;",
        "import java.util.List;",
        "/** {@link java.util.Map} */",
        "class A { // java.util.Set",
        "  String s = \"java.util.Deque \\\" java.util.Queue\";",
        "  char c = '\"';",
        "  String t = \"\"\"",
        "      java.util.Stack",
        "      \"\"\";",
        "  /* io.segmenta.core.rule.Rule */ java.util.List<String> l = new java.util.ArrayList<>();",
        "  picocli.CommandLine.Model.CommandSpec spec; Object o = this.java.util;",
        "}");
    assertEquals(List.of("A.java:10: java.util.List", "A.java:10: java.util.ArrayList", "A.java:11: picocli.CommandLine"),
        inline("A.java", source));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every inline qualified name in {@code source}, as "file:line: name". */
  static List<String> inline(String name, String source) {
    String code = blankCommentsAndLiterals(source);
    List<String> out = new ArrayList<>();
    String[] lines = code.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (DECLARATION.matcher(lines[i]).matches()) {
        continue;
      }
      Matcher m = QUALIFIED.matcher(lines[i]);
      while (m.find()) {
        out.add(name + ":" + (i + 1) + ": " + m.group());
      }
    }
    return out;
  }

  /** The source with comments, strings, characters and text blocks replaced by spaces, line breaks kept. */
  static String blankCommentsAndLiterals(String s) {
    char[] out = s.toCharArray();
    int n = s.length();
    int i = 0;
    while (i < n) {
      int end;
      if (s.startsWith("//", i)) {
        end = s.indexOf('\n', i);
        end = end < 0 ? n : end;
      } else if (s.startsWith("/*", i)) {
        end = s.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (s.startsWith("\"\"\"", i)) {
        end = s.indexOf("\"\"\"", i + 3);
        while (end > 0 && s.charAt(end - 1) == '\\') {
          end = s.indexOf("\"\"\"", end + 1);
        }
        end = end < 0 ? n : end + 3;
      } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
        char quote = s.charAt(i);
        end = i + 1;
        while (end < n && s.charAt(end) != quote && s.charAt(end) != '\n') {
          end += s.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, n);
      } else {
        i++;
        continue;
      }
      for (int k = i; k < end; k++) {
        if (out[k] != '\n') {
          out[k] = ' ';
        }
      }
      i = end;
    }
    return new String(out);
  }
}
