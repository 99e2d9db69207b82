package io.segmenta.duckdb;

import io.segmenta.core.ingest.ImportError;
import io.segmenta.core.ingest.ImportException;
import io.segmenta.core.ingest.RowSource;
import io.segmenta.core.ingest.SourceRow;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Parquet file row by row through an in-memory DuckDB (its reader is mature and needs no Hadoop), giving
 * typed cells to the same mappings as CSV. The "line" of a row is its 1-based row number.
 */
public final class ParquetSource implements RowSource {
  private final String name;
  private final Connection conn;
  private final ResultSet rs;
  private final List<String> columns = new ArrayList<>();
  private final long size;
  private long row;

  public ParquetSource(Path file) {
    this.name = file.getFileName().toString();
    try {
      this.conn = DriverManager.getConnection("jdbc:duckdb:");
      try (PreparedStatement count = conn.prepareStatement("SELECT count(*) FROM read_parquet(?)")) {
        count.setString(1, file.toString());
        try (ResultSet c = count.executeQuery()) {
          c.next();
          this.size = c.getLong(1);
        }
      }
      PreparedStatement ps = conn.prepareStatement("SELECT * FROM read_parquet(?)");
      ps.setString(1, file.toString());
      this.rs = ps.executeQuery();
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(md.getColumnName(i));
      }
    } catch (SQLException e) {
      throw new ImportException(new ImportError(name, 0, null, "cannot read it as Parquet: " + firstLine(e.getMessage())));
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public SourceRow next() {
    try {
      if (!rs.next()) {
        return null;
      }
      row++;
      List<Value> cells = new ArrayList<>(columns.size());
      StringBuilder raw = new StringBuilder();
      for (int i = 1; i <= columns.size(); i++) {
        Value v = value(rs.getObject(i));
        cells.add(v);
        raw.append(i > 1 ? "," : "").append(v.isNull() ? "" : v.toString());
      }
      return new SourceRow(row, cells, raw.toString());
    } catch (SQLException e) {
      throw new ImportException(new ImportError(name, row + 1, null, "cannot read this row: " + firstLine(e.getMessage())));
    }
  }

  private static Value value(Object o) throws SQLException {
    if (o == null) {
      return Value.NULL;
    }
    if (o instanceof Boolean b) {
      return Value.of(b);
    }
    if (o instanceof Number n) {
      return new Value.Num(n.doubleValue());
    }
    if (o instanceof LocalDate d) {
      return new Value.DateValue(d);
    }
    if (o instanceof Date d) {
      return new Value.DateValue(d.toLocalDate());
    }
    if (o instanceof LocalDateTime t) {
      return new Value.TimeValue(t.toInstant(ZoneOffset.UTC));
    }
    if (o instanceof Timestamp t) {
      return new Value.TimeValue(t.toLocalDateTime().toInstant(ZoneOffset.UTC));
    }
    if (o instanceof OffsetDateTime t) {
      return new Value.TimeValue(t.toInstant());
    }
    if (o instanceof Array a) {
      List<Value> items = new ArrayList<>();
      for (Object x : (Object[]) a.getArray()) {
        items.add(value(x));
      }
      return new Value.ListValue(items);
    }
    return new Value.Str(o.toString());
  }

  @Override
  public long position() {
    return row;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void close() {
    try {
      rs.close();
      conn.close();
    } catch (SQLException ignored) {
      // reading only; nothing to undo
    }
  }
}
