package io.segmenta.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages a user meets when a name is wrong, and text that survives any locale. */
class FriendlyCliTest {
  @TempDir
  static Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data-dir");
    all.add(dir.resolve("data").toString());
    int code = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void saveOne() {
    Result r = run("segment", "save", "students", "occupation = \"student\"");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void unknownSegment_everyCommandSaysSoAndSuggests() {
    String expected = "segmenta: there is no saved segment named 'studnts' (did you mean 'students'?)";
    for (String[] args : List.of(new String[] {"segment", "count", "studnts"}, new String[] {"segment", "members", "studnts"},
        new String[] {"segment", "delete", "studnts"}, new String[] {"value", "studnts"}, new String[] {"lookalike", "studnts"})) {
      Result r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith(expected), String.join(" ", args) + ": " + r.err());
    }
    Result ref = run("segment", "count", "segment \"studnts\" and age > 20");
    assertEquals(2, ref.code());
    assertTrue(ref.err().contains("there is no saved segment named 'studnts' (did you mean 'students'?)"), ref.err());
  }

  @Test
  void stats_listsTheTraitsAndEventTypesRulesCanUse() {
    Result r = run("stats");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("traits (use in rules"), r.out());
    assertTrue(r.out().contains("country (string)") && r.out().contains("age (number)"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  order: ") && l.contains("revenue")), r.out());
  }

  @Test
  void readingCommands_noStoreInTheDataDir_sayWhereTheyLookedAndCreateNothing() {
    Path missing = dir.resolve("mistyped-data-dir");
    for (String[] args : List.of(new String[] {"stats"}, new String[] {"segment", "list"}, new String[] {"segment", "count", "country = \"DK\""})) {
      String[] withDir = Arrays.copyOf(args, args.length + 2);
      withDir[args.length] = "--data-dir";
      withDir[args.length + 1] = missing.toString();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Result r = new Result(Main.run(withDir, new PrintWriter(out), new PrintWriter(err)), out.toString(), err.toString());
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
      assertTrue(r.err().contains("no store in " + missing) && r.err().contains("--data-dir"), r.err());
      assertFalse(Files.exists(missing.resolve("segmenta.duckdb")), String.join(" ", args) + " created a store");
    }
  }

  @Test
  void main_writesUtf8UnderAPosixLocale() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    // The rule is ASCII on the command line (a \\u escape), so only the output's encoding is under test.
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "segment", "check", "city = \"K\\u00f8benhavn \\u4e1c\\u4eac\"", "--data-dir", dir.resolve("posix").toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    pb.environment().put("LC_ALL", "POSIX");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String text = new String(out, UTF_8);
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("city = \"København 东京\""), text);
  }

  @Test
  void main_readsUtf8ArgumentsUnderAPosixLocale() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    // The shell writes the rule's bytes as UTF-8 (printf's octal escapes), whatever the locale of this JVM.
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c",
        "exec \"$0\" -cp \"$1\" io.segmenta.cli.Main segment check \"$(printf 'city = \"K\\303\\270benhavn\"')\" --data-dir \"$2\"",
        java.toString(), System.getProperty("java.class.path"), dir.resolve("posix-args").toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    pb.environment().put("LC_ALL", "POSIX");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String text = new String(out, UTF_8);
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("city = \"København\""), text);
  }
}
