package io.segmenta.web;

import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Home: customers, orders and net revenue (after returns) over all history, from {@link SegmentValue}'s figures for
 * everyone, and their trend over the last twelve calendar months up to "as of". The trend is one aggregate query:
 * four measures per month (orders, revenue, returned value, and whether the customer ordered that month), each
 * windowed with {@code from D1 to D2}, totalled over every profile by the audience engine.
 */
final class HomePage {
  static final int MONTHS = 12;

  private HomePage() {}

  /**
   * The page: the figures and this week's changes, each a background job keyed by what it reads, so the page answers
   * at once over a large shop and fills in (a small shop's figures are ready within the short wait).
   */
  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    String data = Jobs.dataKey(v);
    Jobs.Job figures = v.services().jobs().start("home|" + data, "totals and trend over every customer", p -> {
      p.step("totals, and four measures for each of " + MONTHS + " months in one query");
      return figures(v);
    });
    Jobs.Job week = v.services().jobs().start("week|" + data, "what changed this week", p -> WeekChanges.load(v, p));
    // One short wait for both, not one each: two waits in a row were the whole page budget on a large shop.
    long deadline = System.nanoTime() + Jobs.SHORT_WAIT.toNanos();
    m.put("figures", figures.await(Jobs.SHORT_WAIT).view());
    m.put("week", week.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))).view());
    return m;
  }

  static Map<String, Object> figures(Visit v) {
    SegmentValue.Report r = SegmentValue.analyse(v.store().audiences(), v.store().scores(), v.asOf(), Map.of(), SegmentValue.Options.standard());
    SegmentValue.Worth all = r.everyone();
    Map<String, Object> m = new HashMap<>();
    m.put("customers", Numbers.count(all.members()));
    double orders = all.members() == 0 || !Double.isFinite(all.ordersPerCustomer()) ? 0 : all.ordersPerCustomer() * all.members();
    m.put("orders", Numbers.count(Math.round(orders)));
    m.put("netRevenue", Numbers.money(all.netRevenue()));
    m.put("returned", Numbers.money(all.returnedValue()));
    m.put("returnRate", Numbers.percent(all.returnRate()));
    m.put("notes", SegmentValue.notes(v.store().profiles(), r));

    YearMonth last = YearMonth.from(v.asOf().atZone(ZoneOffset.UTC));
    List<YearMonth> months = new ArrayList<>();
    List<Measure> measures = new ArrayList<>();
    for (int i = MONTHS - 1; i >= 0; i--) {
      YearMonth ym = last.minusMonths(i);
      months.add(ym);
      String w = " from " + ym.atDay(1) + " to " + ym.atEndOfMonth();
      for (String t : List.of("count(order" + w + ")", "sum(order.revenue" + w + ")", "sum(return.value" + w + ")",
          "days_since(order" + w + ")")) {
        measures.add(((Rule.MeasureRule) RuleText.parseRule(t + " exists")).measure());
      }
    }
    Totals t = v.store().audiences().totals(new Rule.And(List.of()), v.asOf(), measures);
    List<Map<String, Object>> rows = new ArrayList<>();
    StringJoiner labels = new StringJoiner(",", "[", "]");
    StringJoiner net = new StringJoiner(",", "[", "]");
    StringJoiner ordered = new StringJoiner(",", "[", "]");
    StringJoiner buyers = new StringJoiner(",", "[", "]");
    for (int i = 0; i < months.size(); i++) {
      double o = t.sums().get(4 * i);
      double n = t.sums().get(4 * i + 1) - t.sums().get(4 * i + 2);
      long b = t.counts().get(4 * i + 3);
      labels.add("\"" + months.get(i) + "\"");
      net.add(Numbers.json(n));
      ordered.add(Numbers.json(o));
      buyers.add(Long.toString(b));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("month", months.get(i).toString());
      row.put("orders", Numbers.count(Math.round(o)));
      row.put("buyers", Numbers.count(b));
      row.put("net", Numbers.money(n));
      rows.add(row);
    }
    m.put("trend", rows);
    m.put("trendJson", "{\"months\":" + labels + ",\"net\":" + net + ",\"orders\":" + ordered + ",\"buyers\":" + buyers + "}");
    m.put("trendFrom", months.get(0).atDay(1).toString());
    m.put("trendTo", LocalDate.ofInstant(v.asOf(), ZoneOffset.UTC).toString());
    return m;
  }
}
