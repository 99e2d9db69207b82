package io.segmenta.sql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one compilation needs from the event tables: the aggregates per table (deduplicated by function and row
 * condition), the row conditions that select their rows, the time bounds and event types of each scan, the
 * conditions decided inside a scan (HAVING), the tables every member must have rows in, and whether the kept
 * aggregates are read. {@link RuleSql} fills it while it walks the rules; {@link ScanSql} renders it.
 */
final class RulePlan {
  /** An aggregate function over the rows that meet its row condition. */
  record Agg(String function, RowFilter filter, String filterKey) {}

  /**
   * The rows an aggregate reads: one event type (null for order lines), a window [from, until) (null: open), and a
   * condition on the rows' properties (null: none).
   */
  record RowFilter(Source source, String type, Instant from, Instant until, Frag property) {
    String key() {
      return type + "|" + from + "|" + until + "|" + (property == null ? "" : property.sql + "|" + property.params);
    }
  }

  final Instant asOf;
  /** The exclusive end of every scan: "as of" plus the timestamps' resolution, so events at "as of" count. */
  final Instant end;
  final Map<Source, Map<String, Agg>> aggregates = new LinkedHashMap<>();
  /** The row conditions of the aggregates, per source: a row that meets none of them changes no aggregate. */
  final Map<Source, Map<String, RowFilter>> rowFilters = new LinkedHashMap<>();
  final Map<Source, Instant> lowerBound = new LinkedHashMap<>();
  private final Map<Source, Boolean> unbounded = new LinkedHashMap<>();
  final Set<String> types = new LinkedHashSet<>();
  /** When positive, only profiles whose key is a multiple of it: a sample, applied to every scan. */
  int modulus;
  /** Tables with an aggregate that has no where filter: only event type and window select its rows. */
  final Set<Source> unfiltered = EnumSet.noneOf(Source.class);
  /** Conditions on one table's aggregates alone, applied inside its grouped scan (HAVING). */
  final Map<Source, List<Frag>> having = new LinkedHashMap<>();
  /** Sources every member must have events in: joined with an inner join. */
  final Set<Source> required = EnumSet.noneOf(Source.class);
  /** Whether the kept aggregates hold every event up to "as of" and none after it. */
  final boolean factsUsable;
  /** Whether some aggregate is read from the kept ones ({@code pf}), and whether members must have them. */
  boolean factsRead;
  boolean factsRequired;

  RulePlan(Instant asOf, boolean factsUsable) {
    this.asOf = asOf;
    this.end = asOf.plusNanos(1000);
    this.factsUsable = factsUsable;
    for (Source s : Source.values()) {
      aggregates.put(s, new LinkedHashMap<>());
      rowFilters.put(s, new LinkedHashMap<>());
      unbounded.put(s, false);
    }
  }

  /**
   * Adds an aggregate over the rows of {@code filter} (once, however often rules use it) and returns the column of
   * the source's scan that holds it.
   */
  String aggregate(Source source, String function, RowFilter filter) {
    String filterKey = filter.key();
    rowFilters.get(source).putIfAbsent(filterKey, filter);
    String key = function + "|" + filterKey;
    Map<String, Agg> aggs = aggregates.get(source);
    if (!aggs.containsKey(key)) {
      aggs.put(key, new Agg(function, filter, filterKey));
    }
    int index = new ArrayList<>(aggs.keySet()).indexOf(key);
    return source.cte() + "._m" + index;
  }

  /** Widens the source's scan to start at {@code from} (null: the beginning of time). */
  void noteLowerBound(Source s, Instant from) {
    if (from == null) {
      unbounded.put(s, true);
      lowerBound.remove(s);
      return;
    }
    if (unbounded.get(s)) {
      return;
    }
    Instant cur = lowerBound.get(s);
    if (cur == null || from.isBefore(cur)) {
      lowerBound.put(s, from);
    }
  }
}
