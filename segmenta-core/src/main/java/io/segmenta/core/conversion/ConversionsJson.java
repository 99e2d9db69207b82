package io.segmenta.core.conversion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conversions report as JSON-ready maps, the one form the CLI ({@code segmenta conversions --format json}) and the
 * admin API ({@code GET /admin/conversions}) both write, as {@code SummaryJson} does for summaries: snake_case keys,
 * numbers stay numbers, and an undefined rate or index (nobody at the start, no customers) is null, since JSON has no
 * NaN. The {@code as_of} is the instant the range was closed at (null when the range's end was given).
 */
public final class ConversionsJson {
  private ConversionsJson() {}

  public static Map<String, Object> of(Conversions.Report r, Instant asOf) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("goal", r.goal());
    m.put("period", r.period().name().toLowerCase(Locale.ROOT));
    m.put("as_of", asOf == null ? null : asOf.toString());
    m.put("cells", cells(r.cells()));
    m.put("whole_range", cells(r.whole()));
    List<Map<String, Object>> shares = new ArrayList<>();
    for (Conversions.Share s : r.shares()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("segment", s.segment());
      x.put("member_periods", s.memberPeriods());
      x.put("converters", s.converters());
      x.put("rate", number(s.rate()));
      x.put("customer_share", number(s.customerShare()));
      x.put("conversion_share", number(s.conversionShare()));
      x.put("index", number(s.index()));
      shares.add(x);
    }
    m.put("shares", shares);
    return m;
  }

  private static List<Map<String, Object>> cells(List<Conversions.Cell> cells) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Conversions.Cell c : cells) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("from", c.from().toString());
      x.put("until", c.until().toString());
      x.put("segment", c.segment());
      x.put("members", c.members());
      x.put("converters", c.converters());
      x.put("rate", number(c.rate()));
      out.add(x);
    }
    return out;
  }

  private static Double number(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
