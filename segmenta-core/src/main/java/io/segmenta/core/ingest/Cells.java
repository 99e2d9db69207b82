package io.segmenta.core.ingest;

import io.segmenta.core.UserException;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.ZoneId;
import java.util.List;

/** Finds the columns a mapping names in a file's header and reads typed cells from rows. */
final class Cells {
  private static final java.util.regex.Pattern DECIMAL_ID = java.util.regex.Pattern.compile("-?\\d+\\.0+");
  private final List<String> columns;
  private final Mapping mapping;
  final Coerce coerce;

  Cells(List<String> columns, Mapping mapping) {
    this.columns = columns;
    this.mapping = mapping;
    ZoneId zone;
    try {
      zone = ZoneId.of(mapping.get("timezone", "UTC"));
    } catch (RuntimeException e) {
      throw mapping.error("timezone", "unknown time zone '" + mapping.get("timezone") + "'");
    }
    try {
      this.coerce = new Coerce(mapping.get("timestamp.format"), zone, mapping.get("list.separator", "|"));
    } catch (IllegalArgumentException e) {
      throw mapping.error("timestamp.format", "invalid timestamp pattern: " + e.getMessage());
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

  int required(String key) {
    String c = mapping.get(key);
    if (c == null) {
      throw new UserException("the mapping needs '" + key + " = <column>'");
    }
    return index(key, c);
  }

  int optional(String key) {
    String c = mapping.get(key);
    return c == null ? -1 : index(key, c);
  }

  String name(int index) {
    return columns.get(index);
  }

  Value raw(SourceRow row, int index) {
    if (index < 0) {
      return Value.NULL;
    }
    if (row.cells().size() != columns.size()) {
      throw new CellException(null, "expected " + columns.size() + " columns, found " + row.cells().size());
    }
    return row.cells().get(index);
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
    String s = v instanceof Value.Num n ? io.segmenta.core.value.Numbers.format(n.value()) : v.toString().trim();
    if (normalizeId && DECIMAL_ID.matcher(s).matches()) {
      s = s.substring(0, s.indexOf('.'));
    }
    return s;
  }
}
