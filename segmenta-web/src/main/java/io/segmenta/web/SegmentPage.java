package io.segmenta.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.deletion.SegmentDeletion;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.Step;
import io.segmenta.core.journey.Trigger;
import io.segmenta.core.pnl.Flag;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.summary.TraitSummaries;
import io.segmenta.web.auth.Role;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A segment's page (issue 15): size over time (from the membership changes the store keeps, anchored at today's
 * size), its P&L with returns and flags (the trap among them) and overlaps with every other saved segment (one
 * {@link SegmentValue} pass, as the Segments page), the RFM grid of its members as a 5x5 heatmap (recency score
 * against frequency score), its composition against everyone ({@link TraitSummaries}), members linked to their
 * profiles, a CSV export, and what uses it (segments, placements, experiments: {@link SegmentDeletion}; journeys).
 * Viewers see aggregates only: member ids and the export need the marketer role.
 */
final class SegmentPage {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MEMBERS = 50;

  private SegmentPage() {}

  static SegmentDefinition definition(Visit v) {
    String name = v.ctx().pathParam("name");
    return v.store().segmentDefinitions().find(name).orElseThrow(() -> new UserException("there is no saved segment named '" + name + "'"));
  }

  static Map<String, Object> load(Visit v) {
    SegmentDefinition d = definition(v);
    Rule rule = RuleText.parseRule(d.rule());
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Segment " + d.name());
    m.put("name", d.name());
    m.put("rule", d.rule());
    m.put("description", d.description() == null ? "" : d.description());
    m.put("updated", d.updatedAt().toString());
    m.put("editHref", "/segments/new?from=" + enc(d.name()));
    boolean personal = v.user().role().atLeast(Role.MARKETER);
    m.put("personal", personal);
    m.put("exportHref", "/segments/" + enc(d.name()) + "/members.csv");
    m.put("uses", uses(v, d.name()));
    // The figures read every saved segment's members, the RFM scores and the traits (seconds on a large shop): a job
    // in the background, awaited briefly, that the page's htmx part asks for again until it is done. Keyed by the
    // segment, its rule (an edit starts a new one) and the store's data; members are listed only for roles that see them.
    Jobs.Job job = v.services().jobs().start("segment|" + d.name() + "|" + d.rule() + "|" + personal + "|" + Jobs.dataKey(v),
        "computing the segment's figures", p -> {
          Map<String, Object> f = new HashMap<>();
          p.step("valuing the saved segments");
          worth(v, d.name(), f);
          p.step("reading its history");
          history(v, d.name(), f);
          p.step("placing its members on the RFM grid");
          rfm(v, rule, f);
          p.step("comparing its traits with everyone's");
          composition(v, d.name(), rule, f);
          List<Map<String, String>> members = new ArrayList<>();
          if (personal) {
            for (String id : v.store().audiences().run(new AudienceQuery.Page(rule, v.asOf(), 0, MEMBERS))) {
              members.add(Map.of("id", id, "href", "/profiles/" + enc(id)));
            }
          }
          f.put("memberList", members);
          return f;
        }).await(Jobs.SHORT_WAIT);
    Map<String, Object> view = job.view();
    m.put("job", view);
    if (Boolean.TRUE.equals(view.get("done")) && view.get("value") instanceof Map<?, ?> figures) {
      figures.forEach((k, x) -> m.put((String) k, x));
    }
    return m;
  }

  /** P&L, flags and overlaps: one {@link SegmentValue} pass over every saved segment, as the Segments page makes it. */
  private static void worth(Visit v, String name, Map<String, Object> m) {
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
    }
    SegmentValue.Report r = SegmentValue.analyse(v.store().audiences(), v.store().scores(), v.asOf(), rules,
        SegmentValue.Options.standard().withWindow(SegmentsPage.WINDOW));
    m.put("window", SegmentsPage.WINDOW);
    SegmentValue.Worth w = r.segments().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    m.put("members", Numbers.count(w.members()));
    m.put("share", Numbers.percent(w.customerShare()));
    List<Map<String, String>> pnl = new ArrayList<>();
    pnl.add(Map.of("label", "Gross revenue", "value", Numbers.money(w.grossRevenue())));
    pnl.add(Map.of("label", "Returned", "value", Numbers.money(w.returnedValue())));
    pnl.add(Map.of("label", "Net revenue", "value", Numbers.money(w.netRevenue())));
    pnl.add(Map.of("label", "Profit (after margins and returns)", "value", Numbers.money(w.profit())));
    pnl.add(Map.of("label", "Return rate", "value", Numbers.percent(w.returnRate())));
    pnl.add(Map.of("label", "Share of revenue", "value", Numbers.percent(w.revenueShare())));
    pnl.add(Map.of("label", "Index (revenue share over customer share)", "value", Numbers.ratio(w.index())));
    pnl.add(Map.of("label", "Average order value", "value", Numbers.money(w.averageOrderValue())));
    pnl.add(Map.of("label", "Orders per customer", "value", Numbers.ratio(w.ordersPerCustomer())));
    m.put("pnl", pnl);
    m.put("trap", w.has(Flag.Kind.TRAP));
    List<Map<String, String>> flags = new ArrayList<>();
    for (Flag f : w.flags()) {
      flags.add(Map.of("kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), "evidence", f.evidence()));
    }
    m.put("flags", flags);
    m.put("pnlJson", JSON.createObjectNode().put("gross", w.grossRevenue()).put("returned", w.returnedValue()).put("net", w.netRevenue())
        .put("profit", w.profit()).toString());
    int me = r.overlap().names().indexOf(name);
    List<Map<String, Object>> overlaps = new ArrayList<>();
    ObjectNode chart = JSON.createObjectNode();
    ArrayNode names = chart.putArray("names");
    ArrayNode shares = chart.putArray("shares");
    for (int j = 0; j < r.overlap().names().size(); j++) {
      if (j == me) {
        continue;
      }
      long both = r.overlap().both()[me][j];
      double ofThis = w.members() == 0 ? Double.NaN : (double) both / w.members();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", r.overlap().names().get(j));
      row.put("href", "/segments/" + enc(r.overlap().names().get(j)));
      row.put("both", Numbers.count(both));
      row.put("ofThis", Numbers.percent(ofThis));
      row.put("jaccard", Numbers.ratio(r.overlap().jaccard()[me][j]));
      overlaps.add(row);
      names.add(r.overlap().names().get(j));
      shares.add(Double.isFinite(ofThis) ? Math.round(ofThis * 1000) / 10.0 : 0);
    }
    m.put("overlaps", overlaps);
    m.put("overlapJson", chart.toString());
  }

  /**
   * Size over time from the membership changes the store keeps (real-time segments record every entry and exit):
   * walking back from today's size, each day's size is the next day's minus that day's net entries.
   */
  private static void history(Visit v, String name, Map<String, Object> m) {
    long now = v.store().audiences().run(new AudienceQuery.Count(RuleText.parseRule(definition(v).rule()), v.asOf()));
    Instant since = v.asOf().minusSeconds(365L * 86_400);
    List<MembershipChange> changes = v.store().membership().membershipChanges(name, null, since, 1_000_000);
    TreeMap<LocalDate, Long> net = new TreeMap<>();
    for (MembershipChange c : changes) {
      if (!c.at().isAfter(v.asOf())) {
        net.merge(c.at().atZone(ZoneOffset.UTC).toLocalDate(), c.entered() ? 1L : -1L, Long::sum);
      }
    }
    ObjectNode chart = JSON.createObjectNode();
    ArrayNode days = chart.putArray("days");
    ArrayNode sizes = chart.putArray("sizes");
    LocalDate today = v.asOf().atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate first = net.isEmpty() ? today : net.firstKey().minusDays(1);
    List<String> dayList = new ArrayList<>();
    List<Long> sizeList = new ArrayList<>();
    long size = now;
    for (LocalDate d = today; !d.isBefore(first); d = d.minusDays(1)) {
      dayList.add(0, d.toString());
      sizeList.add(0, size);
      size -= net.getOrDefault(d, 0L);
    }
    dayList.forEach(days::add);
    sizeList.forEach(sizes::add);
    m.put("historyJson", chart.toString());
    m.put("historyDays", dayList.size());
    m.put("historyNote", changes.isEmpty()
        ? "No membership changes are recorded for this segment yet: the store records them for real-time segments; the chart shows today's size."
        : Numbers.count(changes.size()) + " recorded entries and exits since " + first + ".");
  }

  /**
   * The members' RFM grid: recency score against frequency score (1 to 5, as {@link Rfm} scores them over everyone
   * with an order). Stored scores are read when {@code segmenta rfm} has written them; otherwise they are computed.
   */
  private static void rfm(Visit v, Rule rule, Map<String, Object> m) {
    long[][] grid = new long[5][5];
    boolean stored = v.store().catalog().schema().trait("rfm_recency_score").isPresent()
        && v.store().scores().provenance("rfm_recency_score").isPresent();
    if (stored) {
      NumberColumns c = v.store().audiences().run(new AudienceQuery.Columns(rule, List.of("rfm_recency_score", "rfm_frequency_score"), List.of(),
          v.asOf(), Purpose.ANALYTICS));
      double[] r = c.columns().get(0);
      double[] f = c.columns().get(1);
      for (int i = 0; i < c.rows(); i++) {
        if (r[i] >= 1 && r[i] <= 5 && f[i] >= 1 && f[i] <= 5) {
          grid[(int) r[i] - 1][(int) f[i] - 1]++;
        }
      }
      m.put("rfmHow", "from the stored RFM scores (" + v.store().scores().provenance("rfm_recency_score").get().describe() + ")");
    } else {
      Set<String> ids = new HashSet<>(v.store().audiences().run(new AudienceQuery.Page(rule, v.asOf(), 0, Integer.MAX_VALUE)));
      for (Rfm.Row row : Rfm.compute(v.store().audiences(), v.asOf(), Rfm.Spec.standard()).rows()) {
        if (ids.contains(row.profileId())) {
          grid[row.r() - 1][row.f() - 1]++;
        }
      }
      m.put("rfmHow", "computed now over everyone with an order (run segmenta rfm to store the scores)");
    }
    ObjectNode chart = JSON.createObjectNode();
    ArrayNode cells = chart.putArray("cells");
    long max = 0;
    long total = 0;
    List<List<String>> table = new ArrayList<>();
    for (int r = 5; r >= 1; r--) {
      List<String> line = new ArrayList<>();
      for (int f = 1; f <= 5; f++) {
        long n = grid[r - 1][f - 1];
        cells.addArray().add(f - 1).add(r - 1).add(n);
        max = Math.max(max, n);
        total += n;
        line.add(Numbers.count(n));
      }
      table.add(line);
    }
    chart.put("max", max);
    m.put("rfmJson", chart.toString());
    m.put("rfmTable", table);
    m.put("rfmScored", Numbers.count(total));
  }

  /** Each trait over the members and over everyone: for numbers the median, for text the most frequent values. */
  private static void composition(Visit v, String name, Rule rule, Map<String, Object> m) {
    List<String> traits = v.store().catalog().schema().traits().stream()
        .filter(t -> t.stored() && t.family() != Family.CONTEXT && t.family() != Family.CONTACT)
        .map(TraitDef::name).toList();
    List<Map<String, String>> rows = new ArrayList<>();
    if (!traits.isEmpty()) {
      TraitSummaries.Report r = TraitSummaries.summarise(v.store().catalog(), v.store().audiences(), v.asOf(), name, rule, true, traits, 3);
      for (TraitSummaries.Trait t : r.traits()) {
        rows.add(Map.of("trait", t.name(), "segment", describe(t.segment()), "everyone", describe(t.everyone())));
      }
    }
    m.put("composition", rows);
  }

  private static String describe(TraitSummaries.Summary s) {
    if (s == null || s.present() == 0) {
      return "–";
    }
    if (s.numbers() != null) {
      return "median " + Numbers.ratio(s.numbers().median()) + " (mean " + Numbers.ratio(s.numbers().mean()) + "), " + Numbers.percent(s.coverage()) + " known";
    }
    List<String> parts = new ArrayList<>();
    for (TraitSummaries.Count c : s.top()) {
      parts.add((c.value() == null ? "(none)" : c.value()) + " " + Numbers.percent((double) c.count() / s.population()));
    }
    return String.join(", ", parts);
  }

  /** What refers to the segment, as deletion finds it: segments, placements, experiments, journeys, destinations, campaigns. */
  private static List<Map<String, String>> uses(Visit v, String name) {
    List<Map<String, String>> out = new ArrayList<>();
    for (SegmentDeletion.Referrer r : v.store().segmentDeletion(s -> { }).referrers(name)) {
      out.add(Map.of("kind", r.kind(), "name", r.name(), "where", r.where() == null ? "its rule" : r.where(),
          "href", r.kind().equals("segment") ? "/segments/" + enc(r.name()) : ""));
    }
    return out;
  }

  /** The members as CSV: profile id and identifiers, those whose consent allows analytics (as {@code segment export}). */
  static void csv(Visit v) {
    SegmentDefinition d = definition(v);
    Rule rule = RuleText.parseRule(d.rule());
    v.ctx().contentType("text/csv; charset=utf-8");
    v.ctx().header("Content-Disposition", "attachment; filename=\"" + d.name() + ".csv\"");
    StringBuilder sb = new StringBuilder("profile_id,identifiers\r\n");
    v.store().audiences().run(new AudienceQuery.Export(rule, v.asOf(), List.of(), Purpose.ANALYTICS, member -> {
      sb.append(cell(member.profileId())).append(',');
      List<String> ids = new ArrayList<>();
      member.identifiers().forEach(i -> ids.add(i.kind() + ":" + i.value()));
      sb.append(cell(String.join(" ", ids))).append("\r\n");
    }));
    v.ctx().result(sb.toString());
  }

  /** A CSV cell (RFC 4180), with a leading formula character defused (OWASP's CSV injection advice). */
  static String cell(String s) {
    String x = s == null ? "" : s;
    if (!x.isEmpty() && "=+-@\t\r".indexOf(x.charAt(0)) >= 0) {
      x = "'" + x;
    }
    return x.matches(".*[\",\r\n].*") || x.contains("\n") ? "\"" + x.replace("\"", "\"\"") + "\"" : x;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
