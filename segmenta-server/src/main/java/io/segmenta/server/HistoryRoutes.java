package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.history.Destination;
import io.segmenta.core.history.Flow;
import io.segmenta.core.history.History;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.history.SizePoint;
import io.segmenta.core.history.Stay;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Finding;
import io.segmenta.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API of membership history and the review (issue 18): a segment's sizes, flows and leavers' destinations,
 * who was in it on a day, a profile's stays, backfill and recompute; the segments to revisit and the stored alerts.
 * The JSON mirrors {@code segmenta segment history} and {@code segmenta review}.
 */
final class HistoryRoutes {
  private final Store store;
  private final Clock clock;
  private final ReviewSchedule schedule;

  HistoryRoutes(Store store, Clock clock, ReviewSchedule schedule) {
    this.store = store;
    this.clock = clock;
    this.schedule = schedule;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/segments/{name}/history", Route.Access.ADMIN,
            "A saved segment's membership history: size at each day's end (history, backfill or none), inflow and outflow per period, where leavers went (?from, ?to days; ?period in days, default 7)",
            null, this::report),
        new Route("GET", "/admin/segments/{name}/history/members", Route.Access.ADMIN,
            "Who was in a saved segment at the end of a day (?at day, required; ?offset, ?limit)", null, this::members),
        new Route("POST", "/admin/segments/{name}/history/backfill", Route.Access.ADMIN,
            "Computes a saved segment's past sizes from the events, in one pass, and keeps them (?from, ?to days)", null, this::backfill),
        new Route("GET", "/admin/profiles/{id}/stays", Route.Access.ADMIN,
            "A profile's stays in segments: entered, left, and the event or passing of time that caused each (?segment)", null, this::stays),
        new Route("POST", "/admin/history/recompute", Route.Access.ADMIN,
            "Records every batch segment's membership difference now (the server also does this on its schedule)", null, this::recompute),
        new Route("GET", "/admin/review", Route.Access.ADMIN,
            "The segments to revisit and why: stale, shrinking or growing fast, drifting, too small, overlapping heavily, never acted on", null, this::review),
        new Route("POST", "/admin/review/run", Route.Access.ADMIN,
            "Runs the scheduled review now: records the batch segments' history, keeps new findings as alerts, posts them to the webhooks (retried, then parked) and"
                + " mails the weekly digest if due; answers the alerts raised and the history-review job's counters and last error", null, this::run),
        new Route("GET", "/admin/review/alerts", Route.Access.ADMIN,
            "The stored review alerts, newest first (?since day or instant, default 30 days ago; ?limit)", null, this::alerts));
  }

  private static LocalDate day(Context ctx, String field, LocalDate dflt) {
    String s = ctx.queryParam(field);
    if (s == null || s.isBlank()) {
      if (dflt == null) {
        throw new Http.Failure(400, "'" + field + "' is required: a day such as 2025-06-01");
      }
      return dflt;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new Http.Failure(400, "'" + field + "' must be a day such as 2025-06-01, got '" + s + "'");
    }
  }

  private History history() {
    return new History(store.segmentDefinitions(), store.membership(), store.history());
  }

  private void report(Context ctx) {
    LocalDate to = day(ctx, "to", LocalDate.ofInstant(clock.instant(), clock.getZone()));
    LocalDate from = day(ctx, "from", to.minusDays(90));
    int period = Http.intParam(ctx, "period", 7, 1, 366);
    History.Report r = history().report(ctx.pathParam("name"), from, to, period);
    ObjectNode o = Http.JSON.createObjectNode().put("segment", r.segment()).put("from", from.toString()).put("to", to.toString());
    ArrayNode sizes = o.putArray("sizes");
    for (SizePoint p : r.sizes()) {
      ObjectNode n = sizes.addObject().put("at", p.at().toString()).put("source", p.source().name().toLowerCase(Locale.ROOT));
      if (p.size() >= 0) {
        n.put("size", p.size());
      } else {
        n.putNull("size");
      }
    }
    ArrayNode flows = o.putArray("flows");
    for (Flow f : r.flows()) {
      flows.addObject().put("from", f.from().toString()).put("until", f.until().toString()).put("inflow", f.inflow()).put("outflow", f.outflow());
    }
    ArrayNode went = o.putArray("leaversWentTo");
    for (Destination d : r.destinations()) {
      ObjectNode n = went.addObject();
      if (d.segment() == null) {
        n.putNull("segment");
      } else {
        n.put("segment", d.segment());
      }
      n.put("leavers", d.leavers());
    }
    Http.json(ctx, 200, o);
  }

  private void members(Context ctx) {
    String name = ctx.pathParam("name");
    if (store.segmentDefinitions().find(name).isEmpty()) {
      throw new Http.Failure(404, "there is no saved segment named '" + name + "'");
    }
    LocalDate at = day(ctx, "at", null);
    int limit = Http.intParam(ctx, "limit", 100, 1, 10_000);
    int offset = Http.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    ObjectNode o = Http.JSON.createObjectNode().put("segment", name).put("at", History.endOf(at).toString());
    store.history().membersAt(name, History.endOf(at), offset, limit).forEach(o.putArray("members")::add);
    Http.json(ctx, 200, o);
  }

  private void backfill(Context ctx) {
    LocalDate to = day(ctx, "to", LocalDate.ofInstant(clock.instant(), clock.getZone()));
    LocalDate from = day(ctx, "from", to.minusDays(365));
    Map<LocalDate, Long> sizes = history().backfill(ctx.pathParam("name"), from, to);
    ObjectNode o = Http.JSON.createObjectNode().put("segment", ctx.pathParam("name"));
    ArrayNode a = o.putArray("sizes");
    sizes.forEach((d, n) -> a.addObject().put("day", d.toString()).put("size", n));
    Http.json(ctx, 200, o);
  }

  private void stays(Context ctx) {
    String segment = ctx.queryParam("segment");
    ObjectNode o = Http.JSON.createObjectNode().put("profileId", ctx.pathParam("id"));
    ArrayNode a = o.putArray("stays");
    for (Stay s : store.history().stays(ctx.pathParam("id"), segment == null || segment.isBlank() ? null : segment)) {
      ObjectNode n = a.addObject().put("segment", s.segment()).put("entered", s.entered().toString()).put("enterCause", s.enterCause());
      if (s.left() != null) {
        n.put("left", s.left().toString()).put("exitCause", s.exitCause());
      }
    }
    Http.json(ctx, 200, o);
  }

  private void recompute(Context ctx) {
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode a = o.putArray("recomputed");
    for (Recomputed r : schedule.recomputeNow()) {
      a.addObject().put("segment", r.segment()).put("at", r.at().toString()).put("members", r.members()).put("entered", r.entered()).put("left", r.left());
    }
    Http.json(ctx, 200, o);
  }

  private void run(Context ctx) {
    ObjectNode o = ReviewSchedule.json(schedule.runOnce());
    o.set("job", StatusRoutes.json(schedule.status()));
    Http.json(ctx, 200, o);
  }

  private void review(Context ctx) {
    ObjectNode o = Http.JSON.createObjectNode().put("at", clock.instant().toString());
    ArrayNode a = o.putArray("findings");
    for (Finding f : schedule.findings()) {
      a.addObject().put("segment", f.segment()).put("reason", f.reason().name().toLowerCase(Locale.ROOT)).put("label", f.reason().label())
          .put("detail", f.detail());
    }
    Http.json(ctx, 200, o);
  }

  private void alerts(Context ctx) {
    String since = ctx.queryParam("since");
    Instant from = since == null || since.isBlank() ? clock.instant().minus(Duration.ofDays(30)) : AdminRoutes.instant("since", since);
    int limit = Http.intParam(ctx, "limit", 100, 1, 10_000);
    Http.json(ctx, 200, ReviewSchedule.json(store.alerts().alerts(from, limit)));
  }

  static ObjectNode alertJson(Alert a) {
    return Http.JSON.createObjectNode().put("at", a.at().toString()).put("segment", a.segment()).put("reason", a.reason().name().toLowerCase(Locale.ROOT))
        .put("label", a.reason().label()).put("detail", a.detail());
  }
}
