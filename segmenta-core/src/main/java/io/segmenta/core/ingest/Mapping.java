package io.segmenta.core.ingest;

import io.segmenta.core.rule.NearestName;
import io.segmenta.core.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;

/**
 * How the columns of a tabular file become profiles, events or orders: a small {@code key = value} file (or the same
 * pairs given as flags). The keys are documented in {@code docs/import.md}; an unknown key is an error that names
 * its line, so a typo never silently drops a column.
 */
public final class Mapping {
  public enum Target { PROFILES, EVENTS, ORDER_LINES }

  private static final Set<String> FIXED_KEYS = Set.of("target", "csv.separator", "csv.quote", "csv.encoding", "csv.header",
      "timestamp.format", "date.format", "timezone", "list.separator", "id", "profile", "anonymous", "type", "type.column",
      "timestamp", "order", "currency", "currency.column", "cancellation.prefix", "id.normalize", "id.prefix");
  private static final List<String> PREFIXES = List.of("trait.", "identifier.", "property.", "line.", "declare.trait.",
      "declare.property.", "profile.trait.");
  /** The keys that name a column, and so may be given a constant instead with {@code const.<key> = <value>}. */
  private static final Set<String> FIELD_KEYS = Set.of("id", "profile", "anonymous", "type", "timestamp", "order", "currency");
  private static final List<String> FIELD_PREFIXES = List.of("trait.", "identifier.", "property.", "line.", "profile.trait.");

  private final String source;
  private final Map<String, String> entries;
  private final Map<String, Integer> lines;

  private Mapping(String source, Map<String, String> entries, Map<String, Integer> lines) {
    this.source = source;
    this.entries = Collections.unmodifiableMap(entries);
    this.lines = lines;
  }

  public static Mapping read(Path file) {
    try {
      return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UserException("cannot read the mapping file " + file + ": " + e.getMessage());
    }
  }

  public static Mapping parse(String source, String text) {
    Map<String, String> e = new LinkedHashMap<>();
    Map<String, Integer> l = new LinkedHashMap<>();
    String[] rows = text.split("\r?\n", -1);
    for (int i = 0; i < rows.length; i++) {
      String row = rows[i].strip();
      if (row.isEmpty() || row.startsWith("#")) {
        continue;
      }
      put(source + ":" + (i + 1), row, e, l, i + 1);
    }
    return validated(new Mapping(source, e, l));
  }

  /** Pairs given as {@code key=value} flags, applied over a base mapping (which may be null). */
  public static Mapping withPairs(Mapping base, List<String> pairs) {
    Map<String, String> e = new LinkedHashMap<>(base == null ? Map.of() : base.entries);
    Map<String, Integer> l = new LinkedHashMap<>(base == null ? Map.of() : base.lines);
    for (String p : pairs) {
      put("--map " + p, p, e, l, 0);
    }
    return validated(new Mapping(base == null ? "--map" : base.source, e, l));
  }

  private static void put(String where, String row, Map<String, String> e, Map<String, Integer> l, int line) {
    int eq = row.indexOf('=');
    if (eq <= 0) {
      throw new UserException(where + ": expected 'key = value', got '" + row + "'");
    }
    String key = row.substring(0, eq).strip();
    String value = row.substring(eq + 1).strip();
    if (key.startsWith("const.")) {
      String field = key.substring("const.".length());
      if (!FIELD_KEYS.contains(field) && FIELD_PREFIXES.stream().noneMatch(p -> field.startsWith(p) && field.length() > p.length())) {
        throw new UserException(where + ": '" + key + "' gives no field a constant; const. goes before a key that names a column ("
            + String.join(", ", new TreeSet<>(FIELD_KEYS)) + ", or one starting with " + String.join(", ", FIELD_PREFIXES) + ")");
      }
      if (value.isEmpty()) {
        throw new UserException(where + ": '" + key + "' needs a value");
      }
    } else if (!FIXED_KEYS.contains(key) && PREFIXES.stream().noneMatch(key::startsWith)) {
      throw new UserException(where + ": unknown mapping key '" + key + "'" + keyHint(key) + "; see docs/import.md for the keys");
    }
    e.put(key, value);
    l.put(key, line);
  }

  private static Mapping validated(Mapping m) {
    for (String key : m.entries.keySet()) {
      if (key.startsWith("const.") && !key.equals("const.type") && !key.equals("const.currency") && m.entries.containsKey(key.substring(6))) {
        throw m.error(key, "both '" + key.substring(6) + "' (a column) and '" + key + "' (a constant) are given; keep one");
      }
    }
    if (m.entries.containsKey("type") && m.entries.containsKey("const.type")) {
      throw m.error("const.type", "'type' and 'const.type' both give the event type; keep one");
    }
    if (m.entries.containsKey("currency") && m.entries.containsKey("const.currency")) {
      throw m.error("const.currency", "'currency' and 'const.currency' both give the currency; keep one");
    }
    String t = m.entries.get("target");
    if (t != null) {
      try {
        Target.valueOf(t.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ex) {
        throw m.error("target", "target must be profiles, events or order_lines, got '" + t + "'");
      }
    }
    return m;
  }

  public Target target() {
    String t = entries.get("target");
    if (t == null) {
      throw new UserException(source + ": the mapping needs 'target = profiles', 'target = events' or 'target = order_lines'");
    }
    return Target.valueOf(t.toUpperCase(Locale.ROOT));
  }

  public String get(String key) {
    return entries.get(key);
  }

  /**
   * The names under {@code prefix} that a column ({@code prefix + name = column}) or a constant
   * ({@code const. + prefix + name = value}) gives, in the order the mapping lists them.
   */
  public Set<String> fields(String prefix) {
    Set<String> out = new LinkedHashSet<>();
    entries.keySet().forEach(k -> {
      if (k.startsWith(prefix)) {
        out.add(k.substring(prefix.length()));
      } else if (k.startsWith("const." + prefix)) {
        out.add(k.substring(6 + prefix.length()));
      }
    });
    return out;
  }

  public String get(String key, String fallback) {
    return entries.getOrDefault(key, fallback);
  }

  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    entries.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  /** A user error pointing at the mapping line that set {@code key}. */
  public UserException error(String key, String message) {
    Integer line = lines.containsKey(key) ? lines.get(key) : lines.get("const." + key);
    String where = line == null || line == 0 ? source + " (" + key + ")" : source + ":" + line;
    return new UserException(where + ": " + message);
  }

  /** The Online Retail preset: UCI's invoice lines, with 'C' invoices as cancellations. */
  public static Mapping onlineRetail() {
    return parse("preset online-retail", String.join("\n",
        "target = order_lines",
        "order = InvoiceNo",
        "profile = CustomerID",
        "id.normalize = true",
        "id.prefix = online-retail:",
        "timestamp = InvoiceDate",
        "timestamp.format = yyyy-MM-dd HH:mm:ss",
        "timezone = UTC",
        "line.product_id = StockCode",
        "line.product_name = Description",
        "line.quantity = Quantity",
        "line.unit_price = UnitPrice",
        "currency = GBP",
        "cancellation.prefix = C",
        "declare.property.country = string",
        "property.country = Country",
        "profile.trait.country = Country"));
  }

  /**
   * "did you mean" for a mapping key: the words other tools use for the CSV dialect (pandas' {@code sep} and
   * {@code delimiter}, {@code encoding}), then the nearest fixed key by spelling.
   */
  private static String keyHint(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    String word = k.contains(".") ? k.substring(k.lastIndexOf('.') + 1) : k;
    String known = switch (word) {
      case "delimiter", "separator", "sep", "delim" -> "csv.separator";
      case "quote", "quotechar", "quote_char" -> "csv.quote";
      case "encoding", "charset" -> "csv.encoding";
      case "header", "has_header" -> "csv.header";
      default -> null;
    };
    if (known != null) {
      return " (did you mean '" + known + "'?)";
    }
    return NearestName.hint(key, new TreeSet<>(FIXED_KEYS));
  }
}
