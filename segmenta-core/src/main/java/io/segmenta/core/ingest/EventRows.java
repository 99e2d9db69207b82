package io.segmenta.core.ingest;

import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.port.Batch;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code target = events}: one row per event. An event's id comes from an id column, or with {@code id = @line} from
 * the file's name and the row's line. Without either, it is a hash of the file's name, the row's line and every cell
 * of the row (mapped or not): never of the mapped fields alone, which made thousands of distinct rows that agree on
 * customer, type and time one event. So importing the same file again stores nothing twice (same name, line and
 * cells give the same id), while two rows of one file are always two events. An id column that repeats an id within
 * the file keeps the first row; the others are counted as duplicates and reported with their lines.
 */
final class EventRows implements RowMapper {
  private static final int EXAMPLES = 5;
  private final Cells cells;
  private final Schema schema;
  private final int id;
  /** {@code id = @line}: a row's id is the file's name and its line number, stable as long as the file is. */
  private final boolean lineIds;
  private final int profile;
  /**
   * {@code profile = @line}: the row's customer is the profile that {@code id = @line} made of the same row of the same
   * file (a file of one row per customer, each with an outcome, becomes both).
   */
  private final boolean profileLines;
  private final int anonymous;
  private final int typeColumn;
  private final String fixedType;
  private final int timestamp;
  private final String prefix;
  private final boolean normalize;
  private final Map<PropertyDef, Integer> properties = new LinkedHashMap<>();
  private final List<Event> out = new ArrayList<>();
  /** The line each id was first read on, to find rows of this file that repeat an id. */
  private final Map<String, Long> firstLine = new HashMap<>();
  private final List<String> duplicateExamples = new ArrayList<>();
  private long duplicates;
  private long anonymousRows;

  EventRows(Cells cells, Mapping m, Schema schema) {
    this.cells = cells;
    this.schema = schema;
    this.lineIds = "@line".equals(m.get("id"));
    this.id = lineIds ? -1 : cells.optional("id");
    this.profileLines = "@line".equals(m.get("profile"));
    this.profile = profileLines ? -1 : cells.optional("profile");
    this.anonymous = cells.optional("anonymous");
    if (profile < 0 && anonymous < 0 && !profileLines) {
      throw new UserException("the mapping needs 'profile = <column>' (or 'profile = @line' for the customer of the row's own line) or 'anonymous = <column>' to know whose events these are");
    }
    this.fixedType = m.get("type") != null ? m.get("type") : m.get("const.type");
    this.typeColumn = cells.optional("type.column");
    if ((fixedType == null) == (typeColumn < 0)) {
      throw new UserException("the mapping needs exactly one of 'type = <event type>' (or 'const.type') and 'type.column = <column>'");
    }
    if (fixedType != null) {
      String key = m.get("type") != null ? "type" : "const.type";
      checkType(fixedType, () -> m.error(key, "unknown event type '" + fixedType + "'"));
    }
    this.timestamp = cells.required("timestamp");
    cells.checkConstant(timestamp, ValueType.TIMESTAMP);
    this.prefix = m.get("id.prefix", "");
    this.normalize = Boolean.parseBoolean(m.get("id.normalize", "false"));
    for (String name : m.fields("property.")) {
      PropertyDef p = schema.property(name).orElseThrow(() -> m.error("property." + name, "unknown event property '" + name + "'; declare it with declare.property." + name + " = <type>"));
      int index = cells.required("property." + name);
      cells.checkConstant(index, p.type());
      properties.put(p, index);
    }
  }

  private EventTypeDef checkType(String type, Supplier<RuntimeException> error) {
    EventTypeDef et = schema.eventType(type).orElseThrow(error);
    if (et.derived()) {
      throw error.get();
    }
    return et;
  }

  @Override
  public void accept(SourceRow row) {
    String type = fixedType != null ? fixedType : cells.text(row, typeColumn, true, false);
    EventTypeDef et = checkType(type, () -> new CellException(cells.name(typeColumn), "unknown event type '" + type + "'"));
    String pid = profileLines ? cells.source + ":" + row.line() : profile < 0 ? null : cells.text(row, profile, false, normalize);
    String anon = anonymous < 0 ? null : cells.text(row, anonymous, false, false);
    if (pid == null && anon == null) {
      throw new CellException(cells.name(profile >= 0 ? profile : anonymous), "expected a profile or anonymous id, the cell is empty");
    }
    if (pid == null) {
      anonymousRows++;
    }
    Value ts = cells.typed(row, timestamp, ValueType.TIMESTAMP);
    if (ts.isNull()) {
      throw new CellException(cells.name(timestamp), "expected a timestamp, the cell is empty");
    }
    Map<String, Value> props = new LinkedHashMap<>();
    for (Map.Entry<PropertyDef, Integer> e : properties.entrySet()) {
      Value v = cells.typed(row, e.getValue(), e.getKey().type());
      if (!v.isNull() && !et.has(e.getKey().name())) {
        throw new CellException(cells.name(e.getValue()), "event type '" + type + "' has no property '" + e.getKey().name() + "'");
      }
      props.put(e.getKey().name(), v);
    }
    String eid = prefix + (lineIds ? cells.source + ":" + row.line() : id >= 0 ? cells.text(row, id, true, false) : rowHash(cells.source, row));
    Long first = firstLine.putIfAbsent(eid, row.line());
    if (first != null) {
      duplicates++;
      if (duplicateExamples.size() < EXAMPLES) {
        duplicateExamples.add("line " + row.line() + " has the id of line " + first + " (" + eid + ")");
      }
      return;
    }
    out.add(new Event(eid, pid, anon, type, ((Value.TimeValue) ts).value(), props, List.of()));
  }

  /**
   * The id of a row without one: SHA-256 (truncated to 128 bits, so that a collision among even billions of rows is
   * not a practical concern) over the file's name, the row's line and each cell with its type, separated by control
   * characters, so that two cells never read as one.
   */
  static String rowHash(String source, SourceRow row) {
    StringBuilder sb = new StringBuilder().append(source).append('\u001e').append(row.line());
    for (Value v : row.cells()) {
      sb.append('\u001e');
      if (!v.isNull()) {
        sb.append(v.typeName()).append('\u001f').append(v);
      }
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return "r" + HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  @Override
  public Batch finish() {
    return new Batch(List.of(), out);
  }

  @Override
  public Map<String, Long> notes() {
    return anonymousRows == 0 ? Map.of() : Map.of("events without a known customer (stored under their anonymous id)", anonymousRows);
  }

  @Override
  public long duplicateRows() {
    return duplicates;
  }

  @Override
  public List<String> duplicateExamples() {
    return List.copyOf(duplicateExamples);
  }
}
