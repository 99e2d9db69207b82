package io.segmenta.core.ingest;

import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.port.Batch;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code target = events}: one row per event. Without an id column, an event's id is a hash of its content, so
 * importing the same file twice stores each event once (and two identical rows are one event).
 */
final class EventRows implements RowMapper {
  private final Cells cells;
  private final Schema schema;
  private final int id;
  /** {@code id = @line}: a row's id is its line number, stable as long as the file is. */
  private final boolean lineIds;
  private final int profile;
  private final int anonymous;
  private final int typeColumn;
  private final String fixedType;
  private final int timestamp;
  private final String prefix;
  private final boolean normalize;
  private final Map<PropertyDef, Integer> properties = new LinkedHashMap<>();
  /** {@code const.property.NAME = VALUE}: the same value on every event (an experiment's id, a source's name). */
  private final Map<String, Value> constants = new LinkedHashMap<>();
  private final List<Event> out = new ArrayList<>();
  private long anonymousRows;

  EventRows(Cells cells, Mapping m, Schema schema) {
    this.cells = cells;
    this.schema = schema;
    this.lineIds = "@line".equals(m.get("id"));
    this.id = lineIds ? -1 : cells.optional("id");
    this.profile = cells.optional("profile");
    this.anonymous = cells.optional("anonymous");
    if (profile < 0 && anonymous < 0) {
      throw new UserException("the mapping needs 'profile = <column>' or 'anonymous = <column>' to know whose events these are");
    }
    this.fixedType = m.get("type");
    this.typeColumn = cells.optional("type.column");
    if ((fixedType == null) == (typeColumn < 0)) {
      throw new UserException("the mapping needs exactly one of 'type = <event type>' and 'type.column = <column>'");
    }
    if (fixedType != null) {
      checkType(fixedType, () -> m.error("type", "unknown event type '" + fixedType + "'"));
    }
    this.timestamp = cells.required("timestamp");
    this.prefix = m.get("id.prefix", "");
    this.normalize = Boolean.parseBoolean(m.get("id.normalize", "false"));
    m.withPrefix("property.").forEach((name, col) -> {
      PropertyDef p = schema.property(name).orElseThrow(() -> m.error("property." + name, "unknown event property '" + name + "'; declare it with declare.property." + name + " = <type>"));
      properties.put(p, cells.index("property." + name, col));
    });
    m.withPrefix("const.property.").forEach((name, text) -> {
      PropertyDef p = schema.property(name).orElseThrow(() -> m.error("const.property." + name, "unknown event property '" + name + "'; declare it with declare.property." + name + " = <type>"));
      try {
        constants.put(name, Coerce.standard().to(p.type(), new Value.Str(text)));
      } catch (IllegalArgumentException e) {
        throw m.error("const.property." + name, e.getMessage());
      }
    });
  }

  private EventTypeDef checkType(String type, java.util.function.Supplier<RuntimeException> error) {
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
    String pid = profile < 0 ? null : cells.text(row, profile, false, normalize);
    String anon = anonymous < 0 ? null : cells.text(row, anonymous, false, false);
    if (pid == null && anon == null) {
      throw new CellException(cells.name(profile >= 0 ? profile : anonymous), "expected a profile or anonymous id, the cell is empty");
    }
    if (pid == null) {
      anonymousRows++;
    }
    Value ts = cells.typed(row, timestamp, io.segmenta.core.schema.ValueType.TIMESTAMP);
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
    for (Map.Entry<String, Value> c : constants.entrySet()) {
      if (!et.has(c.getKey())) {
        throw new CellException("const.property." + c.getKey(), "event type '" + type + "' has no property '" + c.getKey() + "'");
      }
      props.put(c.getKey(), c.getValue());
    }
    String eid = lineIds ? "line" + row.line() : id >= 0 ? cells.text(row, id, true, false) : contentHash(type, pid, anon, ((Value.TimeValue) ts).value(), props);
    out.add(new Event(prefix + eid, pid, anon, type, ((Value.TimeValue) ts).value(), props, List.of()));
  }

  static String contentHash(String type, String pid, String anon, Instant ts, Map<String, Value> props) {
    StringBuilder sb = new StringBuilder().append(type).append('\u0001').append(pid).append('\u0001').append(anon).append('\u0001').append(ts);
    new java.util.TreeMap<>(props).forEach((k, v) -> sb.append('\u0001').append(k).append('=').append(v.typeName()).append(':').append(v));
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return "h" + HexFormat.of().formatHex(d, 0, 16);
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
}
