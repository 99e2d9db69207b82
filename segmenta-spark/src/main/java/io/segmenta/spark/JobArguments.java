package io.segmenta.spark;

import io.segmenta.core.UserException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of {@link SparkJob}: a subcommand, {@code --name value} options from a fixed set, and the rest in
 * order. Why not picocli, as the CLI: the application jar goes to a cluster and carries only what it must.
 *
 * @param command the subcommand
 * @param options each option given, by name without its dashes
 * @param rest    the positional arguments
 */
record JobArguments(String command, Map<String, String> options, List<String> rest) {
  static final Set<String> COMMANDS = Set.of("count", "export", "rfm", "value", "recompute");
  static final Set<String> OPTIONS = Set.of("lake", "as-of", "traits", "purpose", "output", "period", "window");

  static JobArguments parse(String[] args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      throw new UserException("command: the first argument must be one of count, export, rfm, value, recompute, got '"
          + (args.length == 0 ? "" : args[0]) + "'");
    }
    Map<String, String> options = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        String name = a.substring(2);
        if (!OPTIONS.contains(name)) {
          throw new UserException("unknown option '" + a + "'; the options are --" + String.join(", --", OPTIONS.stream().sorted().toList()));
        }
        if (i + 1 >= args.length) {
          throw new UserException("option '" + a + "' needs a value");
        }
        if (options.put(name, args[++i]) != null) {
          throw new UserException("option '" + a + "' is given twice");
        }
      } else {
        rest.add(a);
      }
    }
    if (!options.containsKey("lake")) {
      throw new UserException("--lake DIR is required: the lake to read (docs/lake.md)");
    }
    return new JobArguments(args[0], Map.copyOf(options), List.copyOf(rest));
  }

  String option(String name, String orElse) {
    return options.getOrDefault(name, orElse);
  }
}
