package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs every command of README.md's code blocks as a reader would, in order, from fresh data directories: the
 * {@code ./segmenta} lines (joining {@code \} continuations, splitting {@code &&} chains), {@code export} and
 * {@code unset} of SEGMENTA_DATA_DIR. A command fails the test on a non-zero exit, or when it prints nothing (or
 * writes an empty {@code -o} file); a result over the store must name its instant ("as of").
 *
 * <p>The CLI runs in-process through picocli (as CliTest does) to keep within budget; {@code serve} runs as a
 * process of its own, is asked for /openapi.json and stopped. Deviations from the text, each for time: the demo has
 * 1,500 customers instead of 20,000, {@code ./run-tests} is this suite and is not run, and the server gets a free
 * port instead of 8088. Paths are moved into a temporary home: {@code ~} and {@code /tmp} under it, {@code ../shared}
 * to where the public datasets are. The placeholder files (customers.csv, events.csv, events.map) are written here;
 * customers.map is the example of docs/import.md, taken from there.
 */
class ReadmeTest {
  @TempDir
  Path home;

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Subcommands whose result is computed at an instant and must name it. */
  private static final Set<String> TIMED = Set.of("segment count", "segment members", "segment list", "segment explain",
      "segment export", "rfm", "clv", "value", "cohorts", "cluster", "lookalike");

  record Result(int code, String out, String err) {}

  @Test
  void readme_everyCommandRunsAsWritten() throws Exception {
    Optional<Path> shared = shared();
    Assumptions.assumeTrue(shared.isPresent(),
        "the README imports ../shared/data/online-retail (the public datasets), which is absent here");
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> commands = commands(readme);
    assertTrue(commands.size() > 25, "README code blocks hold the commands: " + commands);
    placeholders();
    Map<String, String> env = new LinkedHashMap<>();
    long cpu0 = cpu();
    long wall0 = System.nanoTime();
    int run = 0;
    for (String line : commands) {
      List<String> words = words(line.replace("$(openssl rand -hex 16)", "0123456789abcdef0123456789abcdef"));
      if (words.get(0).equals("export")) {
        String[] kv = words.get(1).split("=", 2);
        env.put(kv[0], path(kv[1], shared.get()));
        continue;
      }
      if (words.get(0).equals("unset")) {
        env.remove(words.get(1));
        continue;
      }
      if (words.get(0).equals("./run-tests")) {
        continue;
      }
      assertEquals("./segmenta", words.get(0), "a README command: " + line);
      List<String> args = new ArrayList<>();
      for (String w : words.subList(1, words.size())) {
        args.add(path(w, shared.get()));
      }
      String dataDir = env.getOrDefault("SEGMENTA_DATA_DIR", home.resolve(".segmenta").toString());
      if (args.get(0).equals("demo")) {
        args.addAll(List.of("--customers", "1500", "--threads", "2", "--memory-limit", "1GB"));
      }
      if (args.get(0).equals("serve")) {
        serve(args, dataDir);
        run++;
        continue;
      }
      if (!args.contains("--data-dir") && takesDataDir(args)) {
        args.addAll(List.of("--data-dir", dataDir));
      }
      long t0 = System.nanoTime();
      Result r = run(args);
      System.out.printf("%6d ms  %s%n", (System.nanoTime() - t0) / 1_000_000, line);
      run++;
      String what = "README: " + line + "\n" + r.err();
      assertEquals(0, r.code(), what);
      int o = args.indexOf("-o");
      if (o >= 0 && !args.get(0).equals("generate")) {
        Path f = Path.of(args.get(o + 1));
        assertTrue(Files.exists(f) && Files.size(f) > 0, "an empty " + f + " from " + what);
      } else {
        assertFalse(r.out().isBlank(), "nothing printed by " + what);
      }
      String sub = args.size() > 1 && args.get(0).equals("segment") ? "segment " + args.get(1) : args.get(0);
      if (TIMED.contains(sub)) {
        assertTrue((r.out() + r.err()).contains("as of "), "no instant named by " + what + r.out());
      }
      assertFalse(r.err().contains("hold nothing") || r.err().contains("holds nothing"), "windows that hold nothing in " + what);
      assertFalse(sub.equals("segment count") && r.out().startsWith("0 of "), "a README count of nobody: " + what + r.out());
    }
    assertTrue(run > 25, "ran " + run + " commands");
    // What the whole README costs this JVM: on a busy machine the wall time says little, the CPU time more.
    System.out.printf("README: %d commands in %d s wall, %d s CPU of this JVM%n", run, (System.nanoTime() - wall0) / 1_000_000_000,
        (cpu() - cpu0) / 1_000_000_000);
  }

  @Test
  void readme_everyBlockWithACommandIsOneThisTestRuns() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    // Only ```sh blocks are run: a command in a block fenced otherwise would be skipped without a word.
    Matcher m = Pattern.compile("```([a-z]*)\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    int blocks = 0;
    while (m.find()) {
      blocks++;
      boolean commands = m.group(2).lines().anyMatch(l -> l.strip().startsWith("./segmenta") || l.strip().startsWith("segmenta "));
      assertFalse(commands && !m.group(1).equals("sh"), "a block of commands not fenced as ```sh, so not run:\n" + m.group(2));
    }
    assertTrue(blocks >= 3, "README.md's code blocks: " + blocks);
    assertEquals(commands(readme).size(), commands(readme).stream().filter(c -> c.startsWith("./segmenta") || c.startsWith("export ")
        || c.startsWith("unset ") || c.startsWith("./run-tests")).count(), "every line of a ```sh block is a command this test knows");
  }

  private static long cpu() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The ```sh blocks' commands: comments dropped, continuations joined, && chains split. */
  static List<String> commands(String readme) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (m.find()) {
      String block = m.group(1).replaceAll("\\s*\\\\\\n\\s*", " ");
      for (String line : block.split("\n")) {
        String l = line.replaceAll("\\s+#\\s.*$", "").strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        for (String part : l.split("\\s&&\\s")) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  /** A shell line split into words, with single and double quotes as the shell reads them (no expansions). */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean in = false;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        in = true;
      } else if (Character.isWhitespace(c)) {
        if (in) {
          out.add(w.toString());
          w.setLength(0);
          in = false;
        }
      } else {
        w.append(c);
        in = true;
      }
    }
    if (quote != 0) {
      fail("an unclosed quote in a README command: " + line);
    }
    if (in) {
      out.add(w.toString());
    }
    return out;
  }

  /** A word with a path in it moved where this test keeps files; anything else as it is. */
  private String path(String w, Path shared) {
    if (w.startsWith("~/")) {
      return home.resolve(w.substring(2)).toString();
    }
    if (w.startsWith("/tmp/")) {
      return home.resolve("tmp").resolve(w.substring(5)).toString();
    }
    if (w.startsWith("../shared/")) {
      return shared.resolve(w.substring("../shared/".length())).toString();
    }
    if (w.matches("[\\w.-]+(/[\\w.-]+)*\\.(csv|map|json|jsonl|gz)")) {
      Path inRepo = ROOT.resolve(w);
      return Files.exists(inRepo) ? inRepo.toString() : home.resolve(w).toString();
    }
    return w;
  }

  /** The files the README leaves to the reader, written as a shop would export them. */
  private void placeholders() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/import.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("customer export:\\s*```\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertTrue(m.find(), "docs/import.md has the example mapping customers.map");
    Files.writeString(home.resolve("customers.map"), m.group(1));
    Files.write(home.resolve("customers.csv"), ("Kunde;E-mail;Alder;By;Interesser\n"
        + "k1;anna@example.com;34;Århus;rejser|bøger\n"
        + "k2;bo@example.com;51;Køge;have\n").getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(home.resolve("events.map"), """
        target = events
        profile = customer
        type = order
        timestamp = time
        id = order
        property.revenue = total
        """);
    Files.writeString(home.resolve("events.csv"), """
        order,customer,time,total
        o1,k1,2025-03-01T10:00:00Z,59.5
        o2,k2,2025-03-02T11:00:00Z,abc
        o3,k2,2025-03-03T12:00:00Z,20
        """);
    Files.createDirectories(home.resolve("tmp"));
  }

  private static boolean takesDataDir(List<String> args) {
    // The command line as Main builds it: only the command named is registered.
    CommandLine c = Main.commandLine(args.toArray(new String[0]));
    for (String a : args) {
      CommandLine sub = c.getSubcommands().get(a);
      if (sub == null) {
        break;
      }
      c = sub;
    }
    return c.getCommandSpec().findOption("--data-dir") != null;
  }

  private static Result run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** Starts the server as the README does (on a free port), checks it answers, and stops it. */
  private void serve(List<String> args, String dataDir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    for (int i = 0; i < args.size(); i++) {
      cmd.add(i > 0 && args.get(i - 1).equals("--port") ? Integer.toString(port) : args.get(i));
    }
    cmd.addAll(List.of("--data-dir", dataDir, "--threads", "2", "--memory-limit", "1GB"));
    Path log = home.resolve("serve.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.json")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode(), r.body());
          assertTrue(r.body().contains("\"openapi\""), r.body());
          break;
        } catch (IOException e) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            fail("serve did not answer on port " + port + ": " + Files.readString(log));
          }
          Thread.sleep(250);
        }
      }
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  /** The public datasets: ../shared from the checkout, or from a directory above it (a worktree). */
  private static Optional<Path> shared() {
    for (Path d = ROOT; d != null; d = d.getParent()) {
      Path s = d.resolveSibling("shared");
      if (Files.isDirectory(s.resolve("data/online-retail"))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Test
  void commands_joinContinuationsAndSplitChains() {
    List<String> c = commands("```sh\n# a comment\n./segmenta a 'x y' \\\n    --b c   # trailing\n./segmenta d && ./segmenta e\n```\n");
    assertEquals(List.of("./segmenta a 'x y' --b c", "./segmenta d", "./segmenta e"), c);
    assertEquals(List.of("./segmenta", "segment", "members", "segment \"a\" and x = \"U K\"", "--limit", "20"),
        words("./segmenta segment members 'segment \"a\" and x = \"U K\"' --limit 20"));
  }
}
