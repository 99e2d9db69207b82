package io.segmenta.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.history.Destination;
import io.segmenta.core.history.Flow;
import io.segmenta.core.history.History;
import io.segmenta.core.history.SizePoint;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Drift;
import io.segmenta.core.review.Finding;
import io.segmenta.core.review.Review;
import io.segmenta.core.review.Uses;
import io.segmenta.core.rule.RuleText;
import io.segmenta.stats.PopulationStability;
import io.segmenta.web.auth.Role;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 18 in the app. A segment's membership history ({@code /segments/{name}/history}): its size at each day's end
 * from the recorded stays of {@code core.history} (or a backfill from the events, which marketers can start here as a
 * background job), inflow and outflow per period, where the leavers went, and, for marketers, who was in it on a day.
 * The Review page: the stored alerts, and every segment's findings ({@link Review}) with its drift ({@link Drift}, the
 * population stability index per column between 90 days ago and now) computed in the background, since drift reads
 * each segment twice. Aggregates only, but for the members of a day, which {@link Masking} hides from viewers.
 */
final class ReviewPage {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MEMBERS = 50;
  static final Duration ALERTS_SINCE = Duration.ofDays(90);

  private ReviewPage() {}

  private static SegmentDefinition segment(Visit v) {
    String name = v.ctx().pathParam("name");
    return v.store().segmentDefinitions().find(name).orElseThrow(() -> new UserException("there is no saved segment named '" + name + "'"));
  }

  private static LocalDate day(Visit v, String field, LocalDate otherwise) {
    String s = v.ctx().queryParam(field);
    if (s == null || s.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw new UserException("'" + field + "' must be a day such as 2025-06-01, got '" + s + "'");
    }
  }

  private static int period(Visit v) {
    String s = v.ctx().queryParam("period");
    if (s == null || s.isBlank()) {
      return 7;
    }
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new UserException("'period' must be a whole number of days between 1 and 366, got '" + s + "'");
    }
  }

  private static History histories(Visit v) {
    return new History(v.store().segmentDefinitions(), v.store().membership(), v.store().history());
  }

  static Map<String, Object> history(Visit v) {
    SegmentDefinition d = segment(v);
    LocalDate today = v.asOf().atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate to = day(v, "to", today);
    LocalDate from = day(v, "from", to.minusDays(90));
    int period = period(v);
    History.Report r = histories(v).report(d.name(), from, to, period);
    Map<String, Object> m = new HashMap<>();
    m.put("title", "History of " + d.name());
    m.put("name", d.name());
    m.put("segmentHref", "/segments/" + SegmentPage.enc(d.name()));
    m.put("base", "/segments/" + SegmentPage.enc(d.name()) + "/history");
    m.put("from", from.toString());
    m.put("to", to.toString());
    m.put("period", period);
    ObjectNode chart = JSON.createObjectNode();
    ArrayNode days = chart.putArray("days");
    ArrayNode sizes = chart.putArray("sizes");
    long[] bySource = new long[SizePoint.Source.values().length];
    for (SizePoint p : r.sizes()) {
      days.add(p.at().atZone(ZoneOffset.UTC).toLocalDate().toString());
      if (p.size() >= 0) {
        sizes.add(p.size());
      } else {
        sizes.addNull();
      }
      bySource[p.source().ordinal()]++;
    }
    m.put("sizesJson", chart.toString());
    m.put("known", bySource[SizePoint.Source.HISTORY.ordinal()] + bySource[SizePoint.Source.BACKFILL.ordinal()] > 0);
    m.put("sources", Numbers.count(bySource[SizePoint.Source.HISTORY.ordinal()]) + " days from the recorded history, "
        + Numbers.count(bySource[SizePoint.Source.BACKFILL.ordinal()]) + " from a backfill, "
        + Numbers.count(bySource[SizePoint.Source.NONE.ordinal()]) + " unknown");
    m.put("since", v.store().history().historySince(d.name()).map(Instant::toString).orElse(""));
    List<Map<String, String>> flows = new ArrayList<>();
    ObjectNode flowChart = JSON.createObjectNode();
    ArrayNode labels = flowChart.putArray("segments");
    ArrayNode in = flowChart.putArray("entered");
    ArrayNode out = flowChart.putArray("exited");
    for (Flow f : r.flows()) {
      String label = f.from().atZone(ZoneOffset.UTC).toLocalDate() + " to " + f.until().minusSeconds(1).atZone(ZoneOffset.UTC).toLocalDate();
      flows.add(Map.of("period", label, "inflow", Numbers.count(f.inflow()), "outflow", Numbers.count(f.outflow()),
          "net", String.format(Locale.ROOT, "%+,d", f.inflow() - f.outflow())));
      labels.add(label);
      in.add(f.inflow());
      out.add(-f.outflow());
    }
    m.put("flows", flows);
    m.put("flowsJson", flowChart.toString());
    List<Map<String, String>> went = new ArrayList<>();
    long leavers = r.destinations().stream().mapToLong(Destination::leavers).sum();
    for (Destination x : r.destinations()) {
      went.add(Map.of("segment", x.segment() == null ? "no other segment" : x.segment(),
          "href", x.segment() == null ? "" : "/segments/" + SegmentPage.enc(x.segment()) + "/history",
          "leavers", Numbers.count(x.leavers()), "share", Numbers.percent(leavers == 0 ? Double.NaN : (double) x.leavers() / leavers)));
    }
    m.put("went", went);
    boolean personal = v.user().role().atLeast(Role.MARKETER);
    m.put("personal", personal);
    String at = v.ctx().queryParam("at");
    m.put("at", at == null ? "" : at);
    List<Map<String, String>> members = new ArrayList<>();
    if (personal && at != null && !at.isBlank()) {
      LocalDate on = day(v, "at", today);
      for (String id : v.store().history().membersAt(d.name(), History.endOf(on), 0, MEMBERS)) {
        members.add(Map.of("id", id, "href", "/profiles/" + SegmentPage.enc(id)));
      }
    }
    m.put("members", members);
    Optional<Jobs.Job> job = v.services().jobs().latest(backfillOwner(d.name()));
    m.put("started", job.isPresent());
    m.put("job", job.map(Jobs.Job::view).orElse(Map.of()));
    return m;
  }

  private static String backfillOwner(String segment) {
    return "backfill|" + segment;
  }

  /** Computes the segment's past sizes from the events for the shown days, in one pass, in the background, and keeps them. */
  static String backfill(Visit v) {
    SegmentDefinition d = segment(v);
    LocalDate to = v.asOf().atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate from = to.minusDays(365);
    String key = backfillOwner(d.name()) + "|" + from + "|" + to + "|" + d.updatedAt() + "|" + Jobs.dataKey(v);
    History h = histories(v);
    v.services().jobs().start(key, "computing " + d.name() + "'s past sizes", p -> {
      p.step("one pass over the events for " + (365 + 1) + " days");
      Map<LocalDate, Long> sizes = h.backfill(d.name(), from, to);
      return Map.of("days", sizes.size());
    });
    v.services().jobs().remember(backfillOwner(d.name()), key);
    return "computing past sizes from " + from + " to " + to + " in the background; reload when it is done";
  }

  static Map<String, Object> review(Visit v) {
    Map<String, Object> m = new HashMap<>();
    List<Map<String, String>> alerts = new ArrayList<>();
    for (Alert a : v.store().alerts().alerts(Instant.now().minus(ALERTS_SINCE), 200)) {
      alerts.add(Map.of("at", a.at().atZone(ZoneOffset.UTC).toLocalDate().toString(), "segment", a.segment(),
          "href", "/segments/" + SegmentPage.enc(a.segment()) + "/history", "reason", a.reason().label(), "detail", a.detail()));
    }
    m.put("alerts", alerts);
    m.put("alertDays", ALERTS_SINCE.toDays());
    String key = "review|" + Jobs.dataKey(v);
    Jobs.Job job = v.services().jobs().start(key, "reviewing every segment", p -> compute(v, p)).await(Jobs.SHORT_WAIT);
    m.put("job", job.view());
    m.put("poll", "/review");
    return m;
  }

  /** The findings and the drift of every saved segment at the visit's as-of, against 90 days before. */
  private static Map<String, Object> compute(Visit v, Jobs.Progress p) {
    Instant now = v.asOf();
    Review.Settings settings = Review.Settings.DEFAULT;
    p.step("sizes, overlaps, drift and uses of every segment");
    Review review = new Review(v.store().segmentDefinitions(), v.store().audiences(), v.store().history(),
        Uses.of(v.store().segmentDeletion(s -> { })), settings);
    List<Finding> findings = review.findings(now, v.store().profiles().stats().lastEvent());
    List<Map<String, String>> rows = new ArrayList<>();
    for (Finding f : findings) {
      rows.add(Map.of("segment", f.segment(), "href", "/segments/" + SegmentPage.enc(f.segment()) + "/history", "reason", f.reason().label(),
          "detail", f.detail()));
    }
    Drift drift = new Drift(v.store().audiences(), Drift.STANDARD, Math.max(settings.minSize(), Drift.MIN_MEMBERS));
    Instant then = now.minus(settings.window());
    List<Map<String, Object>> drifts = new ArrayList<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      p.step("drift of " + d.name());
      Drift.Report r = drift.compare(d.name(), RuleText.parseRule(d.rule()), then, now);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("segment", d.name());
      row.put("href", "/segments/" + SegmentPage.enc(d.name()) + "/history");
      row.put("before", Numbers.count(r.baselineSize()));
      row.put("now", Numbers.count(r.currentSize()));
      row.put("change", Double.isFinite(r.sizeChange()) ? String.format(Locale.ROOT, "%+.0f %%", 100 * r.sizeChange()) : "–");
      row.put("worst", level(r.worst()));
      List<Map<String, String>> cells = new ArrayList<>();
      for (Drift.Shift s : r.shifts()) {
        PopulationStability.Result x = s.stability();
        cells.add(Map.of("psi", x.computed() ? String.format(Locale.ROOT, "%.3f", x.psi()) : "–", "level", level(x.level()),
            "title", x.computed() ? "" : (x.diagnostic() == null ? "" : x.diagnostic())));
      }
      row.put("cells", cells);
      drifts.add(row);
    }
    Map<String, Object> out = new HashMap<>();
    out.put("findings", rows);
    out.put("drifts", drifts);
    out.put("columns", Drift.STANDARD.stream().map(c -> c.trait()).toList());
    out.put("windowDays", settings.window().toDays());
    out.put("minMembers", Math.max(settings.minSize(), Drift.MIN_MEMBERS));
    return out;
  }

  private static String level(PopulationStability.Level l) {
    return l == PopulationStability.Level.UNKNOWN ? "too few to tell" : l.name().toLowerCase(Locale.ROOT);
  }
}
