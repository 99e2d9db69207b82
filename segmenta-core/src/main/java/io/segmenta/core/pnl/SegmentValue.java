package io.segmenta.core.pnl;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What each segment is worth: a P&L that counts returns, the index of revenue share to customer share, a ranking,
 * and flags for the classic mistakes (seed 001 and 002): traps that look valuable but return most of what they buy,
 * segments too small to act on or to test, too mixed to treat alike, stale, or thin on data. One aggregate query
 * per segment; overlaps from member sets.
 */
public final class SegmentValue {

  /**
   * @param window e.g. "in last 365 days", or "" for all history up to "as of"
   * @param margins null when margins are unknown: profit is then not computed and segments rank by net revenue
   */
  public record Options(String window, Margins margins, double trapReturnRate, double trapProfitShare, long minMembers,
      double baselineConversion, double mde, double alpha, double power, double mixedCv, int staleDays, double thinEventsPerMember) {
    public Options {
      Objects.requireNonNull(window, "window");
      checkArgument(trapReturnRate > 0 && trapReturnRate < 1, "trap return rate must be in (0, 1), got %s", trapReturnRate);
      checkArgument(minMembers >= 1, "minimum members must be >= 1, got %s", minMembers);
    }

    public static Options standard() {
      return new Options("", null, 0.85, 0.05, 100, 0.03, 0.10, 0.05, 0.80, 1.5, 90, 3);
    }

    public Options withWindow(String w) {
      return new Options(w, margins, trapReturnRate, trapProfitShare, minMembers, baselineConversion, mde, alpha, power, mixedCv, staleDays, thinEventsPerMember);
    }

    public Options withMargins(Margins m) {
      return new Options(window, m, trapReturnRate, trapProfitShare, minMembers, baselineConversion, mde, alpha, power, mixedCv, staleDays, thinEventsPerMember);
    }
  }

  /** One segment's P&L. Rates and means are NaN where undefined (no revenue, no sessions, no CLV scores). */
  public record Worth(String name, long members, double customerShare, double grossRevenue, double returnedValue, double netRevenue,
      double returnRate, double profit, double averageOrderValue, double ordersPerCustomer, double conversionRate, double meanClv,
      double revenueShare, double index, List<Flag> flags) {
    public Worth {
      flags = List.copyOf(flags);
    }

    public boolean has(Flag.Kind kind) {
      return flags.stream().anyMatch(f -> f.kind() == kind);
    }
  }

  /** Pairwise overlaps: members in both, and Jaccard (both / either). */
  public record Overlap(List<String> names, long[][] both, double[][] jaccard) {}

  public record Report(Instant asOf, String window, Worth everyone, List<Worth> segments, Overlap overlap) {}

  private SegmentValue() {}

  /**
   * What the report cannot say, in words: revenue, returns, profit, AOV and CLV come from orders, so a store of
   * profiles only (a CRM export, a survey) values every segment at 0, which reads as "worthless" rather than
   * "unknown". Empty when every figure stands.
   */
  public static List<String> notes(Profiles profiles, Report r) {
    List<String> notes = new ArrayList<>();
    if (r.everyone().members() > 0 && !(r.everyone().ordersPerCustomer() > 0)) {
      long orders = profiles.stats().eventsByType().getOrDefault("order", 0L);
      if (orders == 0) {
        notes.add("no orders in this store: revenue, returns, profit, AOV and CLV need orders; sizes and shares are shown");
      } else {
        notes.add(String.format(Locale.ROOT, "no orders %s before %s although the store holds %,d: use --window all or an earlier --as-of (--as-of latest)",
            r.window().isBlank() ? "at all" : r.window(), r.asOf(), orders));
      }
      return notes;
    }
    for (Worth w : r.segments()) {
      if (w.members() > 0 && !(w.ordersPerCustomer() > 0)) {
        notes.add(w.name() + ": no member has an order " + (r.window().isBlank() ? "" : r.window() + " ")
            + "so its revenue is 0 and its rates undefined; it is sized by its traits only");
      }
    }
    return notes;
  }

  /** Whether the report has no orders at all to value, so only sizes mean anything. */
  public static boolean sizesOnly(Report r) {
    return r.everyone().members() > 0 && !(r.everyone().ordersPerCustomer() > 0);
  }

  public static Report analyse(Audiences audiences, Scores scores, Instant asOf, Map<String, Rule> segments, Options o) {
    List<String> categories = o.margins() == null ? List.of() : new ArrayList<>(o.margins().byCategory().keySet());
    List<Measure> measures = measures(o.window(), categories);
    boolean scored = scores.scoredAt("clv_expected_value").isPresent();
    List<String> traits = scored ? List.of("clv_expected_value") : List.of();
    // Everyone is one more segment of the same pass.
    String everyoneKey = "\u0000everyone";
    Map<String, Rule> all = new LinkedHashMap<>(segments);
    all.put(everyoneKey, new Rule.And(List.of()));
    // The spread of net revenue ("too mixed") and the most recent order and session ("stale") are all it reads
    // beyond counts and sums.
    BitSet spread = new BitSet();
    spread.set(NET);
    spread.set(DAYS_SINCE_ORDER);
    spread.set(DAYS_SINCE_SESSION);
    SegmentTotals st = audiences.segmentTotals(all, asOf, measures, traits, spread);
    Totals everyoneTotals = st.totals().get(everyoneKey);
    Worth everyone = worth("everyone", everyoneTotals, everyoneTotals, categories, o, asOf);
    List<Worth> out = new ArrayList<>();
    for (String name : segments.keySet()) {
      out.add(worth(name, st.totals().get(name), everyoneTotals, categories, o, asOf));
    }
    Comparator<Worth> byValue = Comparator.comparingDouble(w -> o.margins() == null ? w.netRevenue() : w.profit());
    out.sort(byValue.reversed());
    return new Report(asOf, o.window(), everyone, out, overlap(st, new ArrayList<>(segments.keySet())));
  }

  /** Indexes of the measures, in the order {@link #measures} builds them. */
  private static final int GROSS = 0;
  private static final int RETURNED = 1;
  private static final int ORDERS = 2;
  private static final int NET = 4;
  private static final int RETURNS = 5;
  private static final int EVENTS_FROM = 6;
  private static final int EVENT_TYPES = 4;
  private static final int DAYS_SINCE_ORDER = EVENTS_FROM + EVENT_TYPES;
  private static final int DAYS_SINCE_SESSION = DAYS_SINCE_ORDER + 1;
  private static final int LINES = DAYS_SINCE_SESSION + 1;
  private static final int VISITORS = LINES + 1;
  private static final int CONVERTED = VISITORS + 1;
  private static final int CATEGORIES_FROM = CONVERTED + 1;

  static List<Measure> measures(String window, List<String> categories) {
    String w = window.isBlank() ? "" : " " + window.trim();
    List<String> text = new ArrayList<>(List.of(
        "sum(order.revenue" + w + ")", "sum(return.value" + w + ")", "count(order" + w + ")", "count(session" + w + ")",
        "sum(order.revenue" + w + ") - sum(return.value" + w + ")", "count(return" + w + ")",
        "count(order" + w + ")", "count(session" + w + ")", "count(page_view" + w + ")", "count(product_view" + w + ")",
        "days_since(order)", "days_since(session)", "sum(order_line.line_total" + w + ")",
        // Defined exactly for members with a session in the window / with a session and an order in it: their
        // counts of defined values give the conversion rate without another query.
        "days_since(session" + w + ")", "days_since(session" + w + ") - days_since(order" + w + ")"));
    for (String c : categories) {
      text.add("sum(order_line.line_total where category = " + RuleText.print(Value.of(c)) + w + ")");
    }
    List<Measure> out = new ArrayList<>();
    for (String t : text) {
      out.add(((Rule.MeasureRule) RuleText.parseRule(t + " exists")).measure());
    }
    return out;
  }

  private static Worth worth(String name, Totals t, Totals all, List<String> categories, Options o, Instant asOf) {
    long n = t.members();
    double gross = t.sums().get(GROSS);
    double returned = t.sums().get(RETURNED);
    double orders = t.sums().get(ORDERS);
    double net = gross - returned;
    double returnRate = gross > 0 ? returned / gross : Double.NaN;
    double profit = Double.NaN;
    if (o.margins() != null) {
      double lines = t.sums().get(LINES);
      double margin = 0;
      double categorised = 0;
      for (int i = 0; i < categories.size(); i++) {
        double v = t.sums().get(CATEGORIES_FROM + i);
        margin += v * o.margins().byCategory().get(categories.get(i));
        categorised += v;
      }
      margin += (lines - categorised) * o.margins().defaultRate();
      double blended = lines > 0 ? margin / lines : o.margins().defaultRate();
      profit = margin - returned * blended - t.sums().get(RETURNS) * o.margins().costPerReturn();
    }
    double customerShare = all.members() == 0 ? Double.NaN : (double) n / all.members();
    double allNet = all.sums().get(GROSS) - all.sums().get(RETURNED);
    double revenueShare = all.sums().get(GROSS) > 0 ? gross / all.sums().get(GROSS) : Double.NaN;
    double index = customerShare > 0 ? revenueShare / customerShare : Double.NaN;
    double meanClv = t.counts().size() > CATEGORIES_FROM + categories.size() ? t.mean(CATEGORIES_FROM + categories.size()) : Double.NaN;
    long visitors = t.counts().get(VISITORS);
    double conversion = visitors == 0 ? Double.NaN : (double) t.counts().get(CONVERTED) / visitors;
    List<Flag> flags = new ArrayList<>();
    if (n > 0 && revenueShare > customerShare) {
      if (returnRate > o.trapReturnRate()) {
        flags.add(new Flag(Flag.Kind.TRAP, String.format("revenue share %.1f%% vs customer share %.1f%% (index %.2f), but %.1f%% of it is returned (threshold %.0f%%); net share %.1f%%",
            100 * revenueShare, 100 * customerShare, index, 100 * returnRate, 100 * o.trapReturnRate(), allNet == 0 ? 0 : 100 * net / allNet)));
      } else if (!Double.isNaN(profit) && gross > 0 && profit / gross < o.trapProfitShare()) {
        flags.add(new Flag(Flag.Kind.TRAP, String.format("revenue share %.1f%% vs customer share %.1f%%, but profit is only %.1f%% of revenue (threshold %.0f%%)",
            100 * revenueShare, 100 * customerShare, 100 * profit / gross, 100 * o.trapProfitShare())));
      }
    }
    double baseline = !Double.isNaN(conversion) && conversion > 0 && conversion < 1 ? conversion : o.baselineConversion();
    long perArm = SampleSize.perArm(baseline, o.mde(), o.alpha(), o.power());
    if (n < o.minMembers()) {
      flags.add(new Flag(Flag.Kind.TOO_SMALL, String.format("%,d members, fewer than the %,d worth a campaign", n, o.minMembers())));
    } else if (n < 2 * perArm) {
      flags.add(new Flag(Flag.Kind.TOO_SMALL, String.format("%,d members; an A/B test needs 2 x %,d to detect a %.0f%% lift on a %.1f%% conversion rate (alpha %.2f, power %.0f%%)",
          n, perArm, 100 * o.mde(), 100 * baseline, o.alpha(), 100 * o.power())));
    }
    double mean = t.mean(NET);
    double sd = t.sd(NET);
    if (n >= 30 && mean > 0 && sd / mean > o.mixedCv()) {
      flags.add(new Flag(Flag.Kind.TOO_MIXED, String.format("net revenue per member: mean %,.2f, sd %,.2f (coefficient of variation %.2f > %.2f), from %,.2f to %,.2f",
          mean, sd, sd / mean, o.mixedCv(), t.mins().get(NET), t.maxs().get(NET))));
    }
    double lastOrder = t.mins().get(DAYS_SINCE_ORDER);
    double lastSession = t.mins().get(DAYS_SINCE_SESSION);
    double quiet = Double.isNaN(lastOrder) ? lastSession : Double.isNaN(lastSession) ? lastOrder : Math.min(lastOrder, lastSession);
    if (n > 0 && !Double.isNaN(quiet) && quiet > o.staleDays()) {
      flags.add(new Flag(Flag.Kind.STALE, String.format("the most recent order or session of any member is %.0f days before %s (threshold %d)", quiet, asOf, o.staleDays())));
    }
    double events = 0;
    for (int i = 0; i < EVENT_TYPES; i++) {
      events += t.sums().get(EVENTS_FROM + i);
    }
    if (n > 0 && events / n < o.thinEventsPerMember()) {
      flags.add(new Flag(Flag.Kind.THIN, String.format("%.1f orders, sessions, page and product views per member (threshold %.1f)", events / n, o.thinEventsPerMember())));
    }
    return new Worth(name, n, customerShare, gross, returned, net, returnRate, profit, orders > 0 ? gross / orders : Double.NaN,
        n > 0 ? orders / n : Double.NaN, conversion, meanClv, revenueShare, index, flags);
  }

  static Overlap overlap(SegmentTotals st, List<String> names) {
    int s = names.size();
    long[][] both = new long[s][s];
    double[][] jaccard = new double[s][s];
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < s; j++) {
        long inter = st.both()[i][j];
        long union = st.both()[i][i] + st.both()[j][j] - inter;
        both[i][j] = inter;
        jaccard[i][j] = union == 0 ? 0 : (double) inter / union;
      }
    }
    return new Overlap(names, both, jaccard);
  }
}
