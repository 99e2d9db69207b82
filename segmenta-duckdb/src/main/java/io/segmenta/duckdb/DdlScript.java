package io.segmenta.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements that create or upgrade the tables, collected and run as one script. Why one script: each statement
 * sent on its own cost about a millisecond of driver overhead in a short-lived JVM, and the ~90 of them took 40-80 ms
 * of every CLI call; sent together DuckDB runs them in about 6 ms (docs/BENCHMARKS.md, "CLI start, second round").
 * The script's text is recorded in {@code meta} once run, so an open that finds the same text skips it.
 */
final class DdlScript {
  private final List<String> statements = new ArrayList<>();

  /** Adds a statement (named like {@link Statement#execute} so that table-creating code reads as before). */
  void execute(String sql) {
    if (sql.contains(";")) {
      throw new IllegalArgumentException("a statement of the table script must not contain ';', got: " + sql);
    }
    statements.add(sql);
  }

  /** The whole script, one statement a line. */
  String text() {
    return String.join(";\n", statements);
  }

  /** Runs the script and records it as the one the database was brought up to. */
  void run(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(text());
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO meta VALUES (?, ?)")) {
      ps.setString(1, SchemaTables.DDL_KEY);
      ps.setString(2, text());
      ps.execute();
    }
  }
}
