package io.segmenta.duckdb;

import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * How schema types map to DuckDB columns ({@link DuckDbDialect} types them) and back, and the quoting of identifiers
 * (which only ever come from the schema, never from a user's value).
 */
final class Columns {
  private Columns() {}

  static String sqlType(ValueType t) {
    return DuckDbDialect.INSTANCE.sqlType(t);
  }

  static String quote(String identifier) {
    return DuckDbDialect.INSTANCE.quote(identifier);
  }

  /** Reads a column of the given type from the current row; SQL NULL becomes the null value. */
  static Value read(ResultSet rs, int col, ValueType t) throws SQLException {
    Object o = rs.getObject(col);
    if (o == null) {
      return Value.NULL;
    }
    return switch (t) {
      case NUMBER -> new Value.Num(((Number) o).doubleValue());
      case STRING -> new Value.Str(o.toString());
      case BOOLEAN -> Value.of((Boolean) o);
      case DATE -> new Value.DateValue(rs.getObject(col, LocalDate.class));
      case TIMESTAMP -> new Value.TimeValue(rs.getObject(col, LocalDateTime.class).toInstant(ZoneOffset.UTC));
      case STRING_LIST -> {
        Object[] arr = (Object[]) rs.getArray(col).getArray();
        List<Value> items = new ArrayList<>(arr.length);
        for (Object x : arr) {
          items.add(x == null ? Value.NULL : new Value.Str(x.toString()));
        }
        yield new Value.ListValue(items);
      }
    };
  }
}
