package io.segmenta.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls whose classes go into the class-data-sharing archive the {@code segmenta} script builds after each build
 * (docs/BENCHMARKS.md, "CLI start"); not a user command. One JVM makes a small demo shop and runs the common commands
 * on it, so that the archive holds what each of them loads with data to read (a query's result, the recommender's
 * model written and read back, an e-mail template rendered), not only what a call on an empty store loads. Their
 * output is dropped; a call that fails still loaded its classes.
 */
public final class Warmup {
  private Warmup() {}

  /** A template in the form of docs/examples/after_purchase.json: traits, a segment test and recommendations. */
  static final String TEMPLATE = "{\"key\": \"warm\", \"subject\": \"Hi {{ first_name }}\", \"body\": \"<p>{{ orders }}</p>"
      + "{% if segments contains \\\"big-spenders\\\" %}<p>vip</p>{% endif %}"
      + "<ul>{% for item in recommendations %}<li>{{ item.product_id }} ({{ item.reason }})</li>{% endfor %}</ul>\","
      + " \"defaults\": {\"first_name\": \"there\"}, \"recommendations\": 2}";

  static List<List<String>> calls(Path template) {
    return List.of(
        List.of("demo", "--customers", "300"),
        List.of("stats"),
        List.of("segment", "list"),
        List.of("segment", "count", "orders >= 2"),
        List.of("segment", "count", "country = \"DK\" and count(order in last 30 days) >= 1"),
        List.of("segment", "members", "big-spenders", "--limit", "1"),
        List.of("segment", "explain", "high-returners"),
        List.of("segment", "save", "warm", "orders >= 1"),
        List.of("traits"),
        List.of("breakdown", "--by", "country"),
        // The first builds and keeps the recommender, the second reads it back, as most calls do.
        List.of("recommend", "c0000001", "-n", "5", "--new"),
        List.of("recommend", "c0000001", "-n", "5", "--new"),
        List.of("email", "preview", "--template", template.toString(), "--profile", "c0000001"),
        List.of("value"),
        List.of("rfm"));
  }

  /** {@code args[0]}: the data directory to use (it is created). */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: Warmup DATA_DIR, got " + args.length + " arguments");
    }
    Path dir = Path.of(args[0]);
    Path template = dir.resolve("warm-template.json");
    try {
      Files.createDirectories(dir);
      Files.writeString(template, TEMPLATE, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    for (List<String> call : calls(template)) {
      List<String> a = new ArrayList<>(call);
      a.add("--data-dir");
      a.add(dir.toString());
      Main.run(a.toArray(String[]::new), none, none);
    }
  }
}
