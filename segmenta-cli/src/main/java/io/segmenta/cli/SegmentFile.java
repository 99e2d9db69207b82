package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A file of segments for {@code segment save --file}: one segment per line as {@code name: rule}, the rule in the text
 * syntax or as JSON on that line. A line that starts with a space or a tab continues the rule above (for long rules),
 * blank lines and lines starting with {@code #} are skipped. Every error names the file's line (and column for text
 * rules), whatever the input: the parser only ever throws {@link UserException}.
 */
final class SegmentFile {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /**
   * One segment of the file: its name, its rule as written, the parsed rule, the line it starts on and the column
   * before its rule (so that a rule's errors are placed in the file).
   */
  record Entry(String name, String text, ParsedRule parsed, int line, int offset) {
    Rule rule() {
      return parsed.rule();
    }
  }

  private SegmentFile() {}

  /** The segments of {@code text}, in file order, each parsed (not yet type-checked). */
  static List<Entry> parse(String source, String text) {
    String[] lines = text.split("\r\n|\r|\n", -1);
    List<int[]> starts = new ArrayList<>();
    List<StringBuilder> rules = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < lines.length; i++) {
      String line = i == 0 && lines[i].startsWith("\uFEFF") ? lines[i].substring(1) : lines[i];
      int number = i + 1;
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (rules.isEmpty()) {
          throw new UserException(source + ":" + number + ": a continued rule (a line starting with a space) needs a 'name: rule' line above it");
        }
        rules.get(rules.size() - 1).append('\n').append(line);
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new UserException(source + ":" + number + ": expected 'name: rule', got '" + shorten(line) + "'");
      }
      String name = line.substring(0, colon).strip();
      if (!NAME.matcher(name).matches()) {
        throw new UserException(source + ":" + number + ": a segment name is lower-case letters, digits, '_' or '-' (up to 63), got '" + shorten(name) + "'");
      }
      Integer before = seen.putIfAbsent(name, number);
      if (before != null) {
        throw new UserException(source + ":" + number + ": segment '" + name + "' is already defined on line " + before);
      }
      names.add(name);
      starts.add(new int[] {number, colon + 1});
      rules.add(new StringBuilder(line.substring(colon + 1)));
    }
    List<Entry> out = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      out.add(entry(source, names.get(k), rules.get(k).toString(), starts.get(k)[0], starts.get(k)[1]));
    }
    return out;
  }

  private static Entry entry(String source, String name, String rule, int line, int offset) {
    if (rule.isBlank()) {
      throw new UserException(source + ":" + line + ": segment '" + name + "' has no rule after the ':'");
    }
    try {
      ParsedRule parsed = rule.stripLeading().startsWith("{") ? RuleJson.parse(rule) : RuleText.parse(rule);
      return new Entry(name, rule.strip(), parsed, line, offset);
    } catch (RuleException e) {
      throw located(source, name, line, offset, e);
    } catch (UserException e) {
      throw new UserException(source + ":" + line + ": segment '" + name + "': " + e.getMessage());
    }
  }

  /** A rule error moved to the file's line and column: the rule's line 1 starts after the name's colon. */
  static UserException located(String source, String name, int line, int offset, RuleException e) {
    if (e.line() == 0) {
      return new UserException(source + ":" + line + ": segment '" + name + "': " + e.getMessage());
    }
    int fileLine = line + e.line() - 1;
    int column = e.line() == 1 ? offset + e.column() : e.column();
    return new UserException(source + ":" + fileLine + ", column " + column + ": segment '" + name + "': " + e.reason());
  }

  /** The file's segments by name, for resolving references between them. */
  static Map<String, Rule> byName(List<Entry> entries) {
    Map<String, Rule> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.name(), e.rule()));
    return out;
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
