package io.segmenta.core.ingest;

import io.segmenta.core.UserException;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import io.segmenta.core.value.Numbers;
import java.util.regex.Pattern;

/**
 * Finds the columns a mapping names in a file's header and reads typed cells from rows. A {@code const.<key> = value}
 * entry is a column of its own that holds that value on every row (after the file's columns), so every field of
 * every target can be given a constant the same way, typed by the same rules as a cell.
 */
final class Cells {
  private static final Pattern DECIMAL_ID = Pattern.compile("-?\\d+\\.0+");
  private final List<String> columns;
  private final Mapping mapping;
  /** The constants given with const.KEY, by index past the file's columns; the keys name them in messages. */
  private final List<Value> constants = new ArrayList<>();
  private final List<String> constantKeys = new ArrayList<>();
  final Coerce coerce;

  /** The file's name, as rows identified by their line ({@code id = @line}) carry it. */
  final String source;

  Cells(String source, List<String> columns, Mapping mapping) {
    this.source = source;
    this.columns = columns;
    this.mapping = mapping;
    ZoneId zone;
    try {
      zone = ZoneId.of(mapping.get("timezone", "UTC"));
    } catch (RuntimeException e) {
      throw mapping.error("timezone", "unknown time zone '" + mapping.get("timezone") + "'");
    }
    String datePattern = mapping.get("date.format");
    if (datePattern != null) {
      try {
        DateTimeFormatter.ofPattern(datePattern);
      } catch (IllegalArgumentException e) {
        throw mapping.error("date.format", "invalid date pattern '" + datePattern + "': " + e.getMessage());
      }
    }
    try {
      this.coerce = new Coerce(mapping.get("timestamp.format"), datePattern, zone, mapping.get("list.separator", "|"));
    } catch (IllegalArgumentException e) {
      throw mapping.error("timestamp.format", "invalid timestamp pattern: " + e.getMessage());
    }
  }

  /** The column (or constant) that {@code key} or {@code const.key} gives, or -1 when the mapping gives neither. */
  int optional(String key) {
    String c = mapping.get(key);
    if (c != null) {
      return index(key, c);
    }
    String constant = mapping.get("const." + key);
    if (constant == null) {
      return -1;
    }
    constants.add(new Value.Str(constant));
    constantKeys.add("const." + key);
    return columns.size() + constants.size() - 1;
  }

  int required(String key) {
    int i = optional(key);
    if (i < 0) {
      throw new UserException("the mapping needs '" + key + " = <column>' (or 'const." + key + " = <value>' for the same value on every row)");
    }
    return i;
  }

  /** A constant's value checked against a type once, so that a bad constant is an error naming its mapping line. */
  void checkConstant(int index, ValueType type) {
    if (index >= columns.size()) {
      String key = constantKeys.get(index - columns.size());
      try {
        coerce.to(type, constants.get(index - columns.size()));
      } catch (IllegalArgumentException e) {
        throw mapping.error(key, key + ": " + e.getMessage());
      }
    }
  }

  /** The index of the column that {@code key} names; an error naming the mapping line when it is absent. */
  int index(String key, String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw mapping.error(key, "column '" + column + "' is not in the file; its columns are " + String.join(", ", columns));
    }
    return i;
  }

  String name(int index) {
    return index >= columns.size() ? constantKeys.get(index - columns.size()) : columns.get(index);
  }

  Value raw(SourceRow row, int index) {
    if (index < 0) {
      return Value.NULL;
    }
    if (row.cells().size() != columns.size()) {
      throw new CellException(null, "expected " + columns.size() + " columns, found " + row.cells().size());
    }
    return index >= columns.size() ? constants.get(index - columns.size()) : row.cells().get(index);
  }

  Value typed(SourceRow row, int index, ValueType type) {
    Value raw = raw(row, index);
    try {
      return coerce.to(type, raw);
    } catch (IllegalArgumentException e) {
      throw new CellException(name(index), e.getMessage());
    }
  }

  String text(SourceRow row, int index, boolean required, boolean normalizeId) {
    Value v = raw(row, index);
    if (v.isNull() || v.toString().isBlank()) {
      if (required) {
        throw new CellException(name(index), "expected a value, the cell is empty");
      }
      return null;
    }
    String s = v instanceof Value.Num n ? Numbers.format(n.value()) : v.toString().trim();
    if (normalizeId && DECIMAL_ID.matcher(s).matches()) {
      s = s.substring(0, s.indexOf('.'));
    }
    return s;
  }
}
