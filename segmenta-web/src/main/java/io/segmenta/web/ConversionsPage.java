package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Conversions by segment over time, as {@code segmenta conversions} and {@code GET /admin/conversions} report them
 * ({@link Conversions}): a goal's rate per segment per period (members at the period's start), and each segment's share
 * of converters against its share of customers. The form is a GET, so a view can be bookmarked; the report runs as a
 * background job keyed by its inputs.
 */
final class ConversionsPage {
  static final String DEFAULT_GOAL = "count(order) >= 1";

  private ConversionsPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    String goalText = param(v, "goal", DEFAULT_GOAL);
    String periodText = param(v, "period", "month");
    LocalDate toDay = LocalDate.ofInstant(v.asOf(), ZoneOffset.UTC);
    String fromText = param(v, "from", toDay.minusMonths(6).withDayOfMonth(1).toString());
    m.put("goal", goalText);
    m.put("period", periodText);
    m.put("from", fromText);
    m.put("periods", List.of("day", "week", "month"));
    m.put("started", false);
    m.put("job", Map.of());
    m.put("problem", "");
    try {
      Rule.MeasureRule goal = Conversions.goal(goalText);
      Conversions.Period period;
      try {
        period = Conversions.Period.valueOf(periodText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserException("?period must be day, week or month, got '" + periodText + "'");
      }
      Instant from;
      try {
        from = LocalDate.parse(fromText).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new UserException("'from' must be a date such as 2024-01-01, got '" + fromText + "'");
      }
      Instant to = v.asOf().plus(1, ChronoUnit.MICROS);
      if (!from.isBefore(to)) {
        throw new UserException("'from' must be before the as-of " + v.asOf() + ", got " + fromText);
      }
      Segments segs = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
      Map<String, Rule> segments = Conversions.segments(v.store().segmentDefinitions(), segs, List.of());
      String key = "conversions|" + goalText + "|" + period + "|" + fromText + "|" + Jobs.dataKey(v);
      m.put("started", true);
      m.put("job", v.services().jobs().start(key, "conversions of " + segments.size() + " segments", p -> {
        p.step("counting converters per " + periodText + " and segment");
        return model(Conversions.track(v.store().audiences(), goal, segments, from, to, period));
      }).await(Jobs.SHORT_WAIT).view());
    } catch (UserException e) {
      m.put("problem", e.getMessage());
    }
    return m;
  }

  static Map<String, Object> model(Conversions.Report r) {
    List<Instant> starts = new ArrayList<>();
    Map<String, Map<Instant, Double>> rates = new LinkedHashMap<>();
    for (Conversions.Cell c : r.cells()) {
      if (!starts.contains(c.from())) {
        starts.add(c.from());
      }
      rates.computeIfAbsent(c.segment() == null ? "everyone" : c.segment(), k -> new HashMap<>()).put(c.from(), c.rate());
    }
    StringJoiner labels = new StringJoiner(",", "[", "]");
    starts.forEach(s -> labels.add(Numbers.jsonText(LocalDate.ofInstant(s, ZoneOffset.UTC).toString())));
    StringJoiner series = new StringJoiner(",", "[", "]");
    rates.forEach((name, byStart) -> {
      StringJoiner data = new StringJoiner(",", "[", "]");
      starts.forEach(s -> data.add(Numbers.json(byStart.getOrDefault(s, Double.NaN))));
      series.add("{\"name\":" + Numbers.jsonText(name) + ",\"data\":" + data + "}");
    });
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Conversions.Share s : r.shares()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("segment", s.segment() == null ? "everyone" : s.segment());
      row.put("rate", Numbers.percent(s.rate()));
      row.put("converters", Numbers.count(s.converters()));
      row.put("customerShare", Numbers.percent(s.customerShare()));
      row.put("conversionShare", Numbers.percent(s.conversionShare()));
      row.put("index", Numbers.ratio(s.index()));
      rows.add(row);
    }
    Map<String, Object> m = new HashMap<>();
    m.put("rows", rows);
    m.put("chart", "{\"periods\":" + labels + ",\"series\":" + series + "}");
    return m;
  }

  private static String param(Visit v, String name, String otherwise) {
    String s = v.ctx().queryParam(name);
    return s == null || s.isBlank() ? otherwise : s.trim();
  }
}
