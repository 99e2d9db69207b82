package io.segmenta.core.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.WriteResult;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import io.segmenta.core.value.json.JsonValues;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a whole file, checks every row against the schema, and only then writes everything in one atomic write.
 * By default one bad row refuses the file (the message lists the first problems with file, line and column); with
 * {@code skipBadRows} the good rows are written and the bad ones go to a reject file. Importing the same file again
 * changes nothing: event ids are stable and profiles merge.
 */
public final class Importer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How to treat bad rows, where to put them, and whom to tell about progress. */
  public record Options(boolean skipBadRows, Path rejectFile, Progress progress) {
    public static Options strict() {
      return new Options(false, null, Progress.NONE);
    }
  }

  private Importer() {}

  /** Imports a tabular file (CSV, Parquet, ...) through a mapping. */
  public static ImportReport run(RowSource source, Mapping mapping, Catalog catalog, Profiles profiles, Options options) {
    long started = System.nanoTime();
    Path rejectTo = options.skipBadRows() ? rejectFile(source.path(), source.name(), options.rejectFile()) : null;
    Mapping.Target target = mapping.target();
    Schema schema = withDeclarations(catalog.schema(), mapping, target);
    Cells cells = new Cells(source.name(), source.columns(), mapping);
    RowMapper mapper = switch (target) {
      case PROFILES -> new ProfileRows(cells, mapping, schema);
      case EVENTS -> new EventRows(cells, mapping, schema);
      case ORDER_LINES -> new OrderRows(cells, mapping, schema);
    };
    List<ImportError> errors = new ArrayList<>();
    List<SourceRow> rejected = new ArrayList<>();
    long rows = 0;
    long bad = 0;
    SourceRow row;
    while ((row = source.next()) != null) {
      rows++;
      try {
        mapper.accept(row);
      } catch (CellException e) {
        bad++;
        if (errors.size() < 1000) {
          errors.add(new ImportError(source.name(), row.line(), e.column, e.getMessage()));
        }
        if (options.skipBadRows()) {
          rejected.add(row);
        }
      } catch (IllegalArgumentException e) {
        bad++;
        if (errors.size() < 1000) {
          errors.add(new ImportError(source.name(), row.line(), null, e.getMessage()));
        }
        if (options.skipBadRows()) {
          rejected.add(row);
        }
      }
      if ((rows & 8191) == 0) {
        options.progress().update("reading " + source.name(), source.position(), source.size());
      }
    }
    options.progress().update("reading " + source.name(), source.size(), source.size());
    if (bad > 0 && !options.skipBadRows()) {
      throw new ImportException(source.name(), errors, bad);
    }
    Path rejectFile = bad > 0 ? writeRejects(rejectTo, errors, rejected) : null;
    Batch batch = mapper.finish();
    declare(catalog, schema);
    options.progress().update("writing", 0, 1);
    WriteResult written = profiles.write(batch);
    options.progress().update("writing", 1, 1);
    return new ImportReport(source.name(), rows, rows - bad, bad, errors.subList(0, Math.min(10, errors.size())), rejectFile,
        written, mapper.notes(), Duration.ofNanos(System.nanoTime() - started), mapper.duplicateRows(), mapper.duplicateExamples());
  }

  /** The schema with the mapping's declare.trait.* and declare.property.* added, not yet written to the store. */
  private static Schema withDeclarations(Schema schema, Mapping m, Mapping.Target target) {
    Schema s = schema;
    for (Map.Entry<String, String> e : m.withPrefix("declare.trait.").entrySet()) {
      try {
        s = s.withTrait(new TraitDef(e.getKey(), ValueType.parse(e.getValue()), Family.CUSTOM, "declared by an import mapping"));
      } catch (IllegalArgumentException ex) {
        throw m.error("declare.trait." + e.getKey(), ex.getMessage());
      }
    }
    for (Map.Entry<String, String> e : m.withPrefix("declare.property.").entrySet()) {
      try {
        s = s.withProperty(new PropertyDef(e.getKey(), ValueType.parse(e.getValue()), "declared by an import mapping"));
      } catch (IllegalArgumentException ex) {
        throw m.error("declare.property." + e.getKey(), ex.getMessage());
      }
      List<String> types = switch (target) {
        case ORDER_LINES -> List.of("order", "return");
        case EVENTS -> m.get("type") != null ? List.of(m.get("type")) : m.get("const.type") != null ? List.of(m.get("const.type")) : s.eventTypes().stream().filter(t -> !t.derived()).map(EventTypeDef::name).toList();
        case PROFILES -> List.of();
      };
      for (String t : types) {
        s = s.withEventType(new EventTypeDef(t, List.of(e.getKey()), false, "declared"));
      }
    }
    return s;
  }

  /** Declares in the store whatever {@code wanted} has beyond the store's schema. */
  private static void declare(Catalog catalog, Schema wanted) {
    Schema have = catalog.schema();
    for (TraitDef t : wanted.traits()) {
      if (have.trait(t.name()).isEmpty()) {
        catalog.declareTrait(t);
      }
    }
    for (PropertyDef p : wanted.properties()) {
      List<String> types = new ArrayList<>();
      for (EventTypeDef et : wanted.eventTypes()) {
        boolean had = have.eventType(et.name()).map(h -> h.has(p.name())).orElse(false);
        if (et.has(p.name()) && !had) {
          types.add(et.name());
        }
      }
      if (have.property(p.name()).isEmpty() || !types.isEmpty()) {
        catalog.declareProperty(p, types);
      }
    }
  }

  /**
   * Where the rows an import rejects go: {@code requested}, or {@code <input>.rejects.csv} beside the input (in the
   * working directory when the rows come from no file). Never the input itself: a path that names it, or resolves to
   * it through links, is refused before anything is read.
   */
  public static Path rejectFile(Path input, String name, Path requested) {
    Path file = requested != null ? requested : input != null ? input.resolveSibling(input.getFileName() + ".rejects.csv") : Path.of(name + ".rejects.csv");
    if (input != null && sameFile(input, file)) {
      throw new UserException("--rejects " + requested + " is the file being imported (" + input + "); rejected rows never overwrite the input, name another file");
    }
    if (Files.isDirectory(file)) {
      throw new UserException("--rejects " + file + " is a directory; name a file");
    }
    return file;
  }

  private static boolean sameFile(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static Path writeRejects(Path file, List<ImportError> errors, List<SourceRow> rows) {
    Map<Long, ImportError> byLine = new LinkedHashMap<>();
    errors.forEach(e -> byLine.putIfAbsent(e.line(), e));
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("line,column,error,row\n");
      for (SourceRow r : rows) {
        ImportError e = byLine.get(r.line());
        w.write(r.line() + "," + csv(e == null || e.column() == null ? "" : e.column()) + "," + csv(e == null ? "" : e.message()) + "," + csv(r.raw()) + "\n");
      }
    } catch (IOException ex) {
      throw new UserException("cannot write the reject file " + file + ": " + ex.getMessage() + "; nothing was imported");
    }
    return file;
  }

  private static String csv(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  // ---- canonical JSON lines

  /**
   * Imports Segmenta's own JSON lines: a line with a {@code timestamp} is an event
   * ({@code {"event_id", "profile_id" | "anonymous_id", "type", "timestamp", "properties", "lines", "extras"}}), any other line
   * a profile ({@code {"profile_id", "identifiers": {kind: value}, "traits": {...}}}).
   */
  public static ImportReport runJsonLines(Path file, Catalog catalog, Profiles people, Options options) {
    long started = System.nanoTime();
    String name = file.getFileName().toString();
    Path rejectTo = options.skipBadRows() ? rejectFile(file, name, options.rejectFile()) : null;
    Schema schema = catalog.schema();
    Coerce coerce = Coerce.standard();
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    List<ImportError> errors = new ArrayList<>();
    List<SourceRow> rejected = new ArrayList<>();
    Map<String, Long> firstLine = new HashMap<>();
    List<String> duplicateExamples = new ArrayList<>();
    long duplicates = 0;
    long rows = 0;
    long bad = 0;
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ImportException(new ImportError(name, 0, null, "cannot read the file: " + e.getMessage()));
    }
    long read = 0;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)), 1 << 16)) {
      String text;
      long line = 0;
      while ((text = r.readLine()) != null) {
        line++;
        read += text.length() + 1;
        if (text.isBlank()) {
          continue;
        }
        rows++;
        try {
          JsonNode n = JSON.readTree(text);
          if (n == null || !n.isObject()) {
            throw new CellException(null, "expected a JSON object on each line");
          }
          if (n.has("timestamp")) {
            Event ev = event(n, schema, coerce);
            Long first = firstLine.putIfAbsent(ev.id(), line);
            if (first == null) {
              events.add(ev);
            } else {
              duplicates++;
              if (duplicateExamples.size() < 5) {
                duplicateExamples.add("line " + line + " has the id of line " + first + " (" + ev.id() + ")");
              }
            }
          } else {
            profiles.add(profile(n, schema, coerce));
          }
        } catch (JsonProcessingException e) {
          bad++;
          errors.add(new ImportError(name, line, null, "not valid JSON: " + e.getOriginalMessage()));
          rejected.add(new SourceRow(line, List.of(), text));
        } catch (CellException e) {
          bad++;
          if (errors.size() < 1000) {
            errors.add(new ImportError(name, line, e.column, e.getMessage()));
          }
          rejected.add(new SourceRow(line, List.of(), text));
        } catch (IllegalArgumentException e) {
          bad++;
          if (errors.size() < 1000) {
            errors.add(new ImportError(name, line, null, e.getMessage()));
          }
          rejected.add(new SourceRow(line, List.of(), text));
        }
        if ((rows & 8191) == 0) {
          options.progress().update("reading " + name, Math.min(read, size), size);
        }
      }
    } catch (CharacterCodingException e) {
      throw new ImportException(new ImportError(name, rows + 1, null, "the file is not valid UTF-8 here"));
    } catch (IOException e) {
      throw new ImportException(new ImportError(name, rows, null, "cannot read the file: " + e.getMessage()));
    }
    options.progress().update("reading " + name, size, size);
    if (bad > 0 && !options.skipBadRows()) {
      throw new ImportException(name, errors, bad);
    }
    Path rejectFile = bad > 0 ? writeRejects(rejectTo, errors, rejected) : null;
    WriteResult written = people.write(new Batch(profiles, events));
    return new ImportReport(name, rows, rows - bad, bad, errors.subList(0, Math.min(10, errors.size())), rejectFile, written,
        Map.of(), Duration.ofNanos(System.nanoTime() - started), duplicates, duplicateExamples);
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new CellException(field, "expected a value, the field is missing");
      }
      return null;
    }
    if (!v.isTextual() && !v.isNumber()) {
      throw new CellException(field, "expected text, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }

  /** Reads a profile back from the object {@link #toJsonLine(Profile)} writes. */
  public static Profile profileFromJson(JsonNode n, Schema schema) {
    try {
      return profile(n, schema, Coerce.standard());
    } catch (CellException e) {
      throw new UserException(e.getMessage(), e);
    }
  }

  /** Reads an event back from the object {@link #toJsonLine(Event)} writes. */
  public static Event eventFromJson(JsonNode n, Schema schema) {
    try {
      return event(n, schema, Coerce.standard());
    } catch (CellException e) {
      throw new UserException(e.getMessage(), e);
    }
  }

  private static Profile profile(JsonNode n, Schema schema, Coerce coerce) {
    String id = text(n, "profile_id", true);
    List<Identifier> ids = new ArrayList<>();
    JsonNode idn = n.path("identifiers");
    Iterator<Map.Entry<String, JsonNode>> it = idn.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String v = e.getValue().asText();
      try {
        ids.add(e.getKey().equals("email") ? Identifier.email(v) : new Identifier(e.getKey(), v));
      } catch (IllegalArgumentException ex) {
        throw new CellException("identifiers." + e.getKey(), ex.getMessage());
      }
    }
    Map<String, Value> traits = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> tt = n.path("traits").fields();
    while (tt.hasNext()) {
      Map.Entry<String, JsonNode> e = tt.next();
      TraitDef t = schema.trait(e.getKey()).orElseThrow(() -> new CellException("traits." + e.getKey(), "unknown trait '" + e.getKey() + "'; declare it first"));
      if (!t.writable()) {
        throw new CellException("traits." + e.getKey(), "'" + e.getKey() + "' is " + t.family().label() + " by Segmenta and cannot be imported");
      }
      try {
        traits.put(t.name(), coerce.to(t.type(), JsonValues.fromJson(e.getValue())));
      } catch (IllegalArgumentException ex) {
        throw new CellException("traits." + e.getKey(), ex.getMessage());
      }
    }
    return new Profile(id, ids, traits);
  }

  private static Event event(JsonNode n, Schema schema, Coerce coerce) {
    String id = text(n, "event_id", true);
    String pid = text(n, "profile_id", false);
    String anon = text(n, "anonymous_id", false);
    if (pid == null && anon == null) {
      throw new CellException("profile_id", "expected profile_id or anonymous_id");
    }
    String type = text(n, "type", true);
    EventTypeDef et = schema.eventType(type).filter(t -> !t.derived()).orElseThrow(() -> new CellException("type", "unknown event type '" + type + "'"));
    Value ts;
    try {
      ts = coerce.timestamp(JsonValues.fromJson(n.get("timestamp")));
    } catch (IllegalArgumentException e) {
      throw new CellException("timestamp", e.getMessage());
    }
    Map<String, Value> props = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.path("properties").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!et.has(e.getKey())) {
        throw new CellException("properties." + e.getKey(), "event type '" + type + "' has no property '" + e.getKey() + "'");
      }
      try {
        props.put(e.getKey(), coerce.to(schema.property(e.getKey()).orElseThrow().type(), JsonValues.fromJson(e.getValue())));
      } catch (IllegalArgumentException ex) {
        throw new CellException("properties." + e.getKey(), ex.getMessage());
      }
    }
    List<OrderLine> lines = new ArrayList<>();
    JsonNode ln = n.path("lines");
    for (int i = 0; i < ln.size(); i++) {
      JsonNode l = ln.get(i);
      try {
        lines.add(new OrderLine(l.path("product_id").asText(null), l.path("product_name").asText(null), l.path("category").asText(null),
            l.path("quantity").asDouble(1), number(l, "unit_price"), l.path("discount").asDouble(0)));
      } catch (IllegalArgumentException e) {
        throw new CellException("lines." + i, e.getMessage());
      }
    }
    Value extras = JsonValues.fromJson(n.get("extras"));
    if (!extras.isNull() && !(extras instanceof Value.ObjectValue)) {
      throw new CellException("extras", "expected an object of what the event kept beyond its typed properties");
    }
    Map<String, Value> kept = extras instanceof Value.ObjectValue o ? o.fields() : Map.of();
    return new Event(id, pid, anon, type, ((Value.TimeValue) ts).value(), props, lines, kept);
  }

  private static double number(JsonNode l, String field) {
    if (!l.path(field).isNumber()) {
      throw new IllegalArgumentException(field + ": expected a number");
    }
    return l.get(field).doubleValue();
  }

  /** Writes profiles and events as canonical JSON lines, the format {@link #runJsonLines} reads. */
  public static String toJsonLine(Profile p) {
    var o = JSON.createObjectNode();
    o.put("profile_id", p.id());
    var ids = o.putObject("identifiers");
    p.identifiers().forEach(i -> ids.put(i.kind(), i.value()));
    var traits = o.putObject("traits");
    p.traits().forEach((k, v) -> traits.set(k, plain(v)));
    return o.toString();
  }

  public static String toJsonLine(Event e) {
    var o = JSON.createObjectNode();
    o.put("event_id", e.id());
    if (e.profileId() != null) {
      o.put("profile_id", e.profileId());
    }
    if (e.anonymousId() != null) {
      o.put("anonymous_id", e.anonymousId());
    }
    o.put("type", e.type());
    o.put("timestamp", e.timestamp().toString());
    var props = o.putObject("properties");
    e.properties().forEach((k, v) -> props.set(k, plain(v)));
    if (!e.extras().isEmpty()) {
      o.set("extras", JsonValues.toJson(new Value.ObjectValue(e.extras())));
    }
    if (!e.lines().isEmpty()) {
      var arr = o.putArray("lines");
      for (OrderLine l : e.lines()) {
        var x = arr.addObject();
        x.put("product_id", l.productId());
        if (l.productName() != null) {
          x.put("product_name", l.productName());
        }
        if (l.category() != null) {
          x.put("category", l.category());
        }
        x.put("quantity", l.quantity());
        x.put("unit_price", l.unitPrice());
        x.put("discount", l.discount());
      }
    }
    return o.toString();
  }

  /** Dates and instants as ISO text (the schema gives them their type back on import). */
  private static JsonNode plain(Value v) {
    if (v instanceof Value.DateValue || v instanceof Value.TimeValue) {
      return JSON.getNodeFactory().textNode(v.toString());
    }
    return JsonValues.toJson(v);
  }
}
