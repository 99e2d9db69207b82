package io.segmenta.sql;

/** A table events are read from: the events themselves, or order lines (the derived order_line type). */
enum Source {
  EVENTS("events", "e"), LINES("order_lines", "l");

  final String table;
  final String alias;

  Source(String table, String alias) {
    this.table = table;
    this.alias = alias;
  }

  /** The name of the common table expression holding this table's grouped scan. */
  String cte() {
    return "a_" + alias;
  }
}
