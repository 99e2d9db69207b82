package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyCheck;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.JourneyReport;
import io.segmenta.core.journey.json.JourneyReportJson;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Journeys under the admin key (check, save, list, read, delete, one person's way through one), and the public
 * unsubscribe link every journey e-mail carries: GET shows a confirmation page (mail scanners follow links, so a GET
 * changes nothing), POST (the page's button, or a mail client's one-click unsubscribe of RFC 8058) records the
 * withdrawal of e-mail consent, after which no marketing e-mail goes to that person.
 */
final class JourneyRoutes {
  private final Store store;
  private final Clock clock;
  private final ProfileLifecycle lifecycle;
  private final UnsubscribeLinks links;
  private final Runnable flush;

  JourneyRoutes(Store store, Clock clock, ProfileLifecycle lifecycle, UnsubscribeLinks links, Runnable flush) {
    this.store = store;
    this.clock = clock;
    this.lifecycle = lifecycle;
    this.links = links;
    this.flush = flush;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/journeys", Route.Access.ADMIN, "List journeys with their counts per step and outcome", null, this::list),
        new Route("POST", "/admin/journeys/check", Route.Access.ADMIN, "Check a journey without saving it: the problems, each naming its step",
            "a journey", this::check),
        new Route("GET", "/admin/journeys/{key}", Route.Access.ADMIN, "One journey's definition", null, this::get),
        new Route("PUT", "/admin/journeys/{key}", Route.Access.ADMIN,
            "Check and save a journey (its version grows when the definition changed); runs in flight move to the new version", "a journey",
            this::put),
        new Route("DELETE", "/admin/journeys/{key}", Route.Access.ADMIN, "Delete a journey; runs in flight end at their next step", null,
            this::delete),
        new Route("POST", "/admin/journeys/{key}/activate", Route.Access.ADMIN, "Check the journey again and let it take entries and"
            + " steps (400 with the problems, each naming its step)", null, this::activate),
        new Route("POST", "/admin/journeys/{key}/pause", Route.Access.ADMIN, "Pause a journey: no entries, no steps; its runs wait where"
            + " they are until it is activated", null, this::pause),
        new Route("GET", "/admin/journeys/{key}/status", Route.Access.ADMIN, "A journey measured: entered, in progress, sent, skipped by"
            + " reason, goal, net revenue after entry within ?window= (ISO-8601, default P30D), and lift against the holdout with 95 %"
            + " intervals", null, this::status),
        new Route("GET", "/admin/journeys/{key}/profiles/{id}", Route.Access.ADMIN, "What happened to one profile in a journey: every step,"
            + " taken or skipped, with its reason", null, this::profile),
        new Route("GET", "/v1/unsubscribe", Route.Access.PUBLIC, "The unsubscribe link of journey e-mails: a confirmation page", null,
            this::confirm),
        new Route("POST", "/v1/unsubscribe", Route.Access.PUBLIC, "Unsubscribe (the page's button, or one-click from the mail client):"
            + " records the withdrawal of e-mail consent", null, this::unsubscribe));
  }

  private JourneyCheck checker() {
    return new JourneyCheck(store.catalog().schema(), new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock),
        store.segmentDefinitions(), store.destinationDefinitions());
  }

  private void list(Context ctx) {
    ArrayNode a = Http.JSON.createArrayNode();
    for (Journey j : store.journeyDefinitions().all()) {
      ObjectNode o = a.addObject().put("key", j.key()).put("version", j.version()).put("description", j.description())
          .put("state", store.journeyLog().paused(j.key()) ? "paused" : "active");
      ObjectNode c = o.putObject("counts");
      store.journeyLog().counts(j.key()).forEach(c::put);
    }
    Http.json(ctx, 200, a);
  }

  private void check(Context ctx) {
    Journey j = JourneyJson.parse(Http.body(ctx, 512 * 1024));
    ArrayNode problems = Http.JSON.createArrayNode();
    checker().problems(j).forEach(problems::add);
    ObjectNode o = Http.JSON.createObjectNode().put("ok", problems.isEmpty());
    o.set("problems", problems);
    Http.json(ctx, 200, o);
  }

  private void get(Context ctx) {
    Http.json(ctx, 200, JourneyJson.toJson(journey(ctx)));
  }

  private void put(Context ctx) {
    String key = ctx.pathParam("key");
    JsonNode b = Http.body(ctx, 512 * 1024);
    Journey j = JourneyJson.parse(b);
    if (!j.key().equals(key)) {
      throw new Http.Failure(400, "the journey's key '" + j.key() + "' differs from the path's '" + key + "'");
    }
    List<String> problems = checker().problems(j);
    if (!problems.isEmpty()) {
      throw new Http.Failure(400, "journey '" + key + "' has " + problems.size() + " problem(s)", problems);
    }
    Optional<Journey> old = store.journeyDefinitions().find(key);
    Journey saved = j.savedOver(old);
    store.journeyDefinitions().save(saved);
    Http.json(ctx, old.isPresent() ? 200 : 201, JourneyJson.toJson(saved));
  }

  private void delete(Context ctx) {
    String key = ctx.pathParam("key");
    if (!store.journeyDefinitions().delete(key)) {
      throw new Http.Failure(404, "there is no journey '" + key + "'");
    }
    Http.json(ctx, 200, Http.JSON.createObjectNode().put("deleted", key));
  }

  private void activate(Context ctx) {
    Journey j = journey(ctx);
    List<String> problems = checker().problems(j);
    if (!problems.isEmpty()) {
      throw new Http.Failure(400, "journey '" + j.key() + "' has " + problems.size() + " problem(s)", problems);
    }
    store.journeyLog().pause(j.key(), false);
    Http.json(ctx, 200, Http.JSON.createObjectNode().put("key", j.key()).put("state", "active"));
  }

  private void pause(Context ctx) {
    Journey j = journey(ctx);
    store.journeyLog().pause(j.key(), true);
    Http.json(ctx, 200, Http.JSON.createObjectNode().put("key", j.key()).put("state", "paused"));
  }

  private void status(Context ctx) {
    Journey j = journey(ctx);
    String w = ctx.queryParam("window");
    Duration window;
    try {
      window = w == null ? Duration.ofDays(30) : Duration.parse(w);
    } catch (DateTimeParseException e) {
      throw new Http.Failure(400, "window must be an ISO-8601 duration like P30D, got '" + w + "'");
    }
    if (window.isNegative() || window.isZero()) {
      throw new Http.Failure(400, "window must be positive, got '" + w + "'");
    }
    flush.run();
    ObjectNode o = JourneyReportJson.toJson(JourneyReport.of(j, store.journeyLog(), window));
    o.put("state", store.journeyLog().paused(j.key()) ? "paused" : "active");
    Http.json(ctx, 200, o);
  }

  private void profile(Context ctx) {
    Journey j = journey(ctx);
    ArrayNode a = Http.JSON.createArrayNode();
    for (JourneyLog.StepRecord r : store.journeyLog().history(j.key(), ctx.pathParam("id"))) {
      ObjectNode o = a.addObject().put("entry", r.entry()).put("step", r.step()).put("outcome", r.outcome()).put("at", r.at().toString());
      if (r.reason() != null) {
        o.put("reason", r.reason());
      }
    }
    Http.json(ctx, 200, a);
  }

  private Journey journey(Context ctx) {
    String key = ctx.pathParam("key");
    return store.journeyDefinitions().find(key).orElseThrow(() -> new Http.Failure(404, "there is no journey '" + key + "'"));
  }

  private void confirm(Context ctx) {
    String p = ctx.queryParam("p");
    String t = ctx.queryParam("t");
    if (!links.valid(p, t)) {
      throw new Http.Failure(404, "this unsubscribe link is not valid");
    }
    ctx.header("Cache-Control", "no-store").contentType("text/html; charset=utf-8").result("<!doctype html><title>Unsubscribe</title>"
        + "<form method=\"post\"><p>Stop marketing e-mail to this address?</p><button type=\"submit\">Unsubscribe</button></form>");
  }

  private void unsubscribe(Context ctx) {
    String p = ctx.queryParam("p");
    String t = ctx.queryParam("t");
    if (!links.valid(p, t)) {
      throw new Http.Failure(404, "this unsubscribe link is not valid");
    }
    List<ConsentRecord> choice = List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, false, clock.instant(), "unsubscribe link"));
    store.consent().recordConsent(p, choice);
    lifecycle.publish(new ProfileEvent.ConsentChanged(p, choice));
    ctx.header("Cache-Control", "no-store").contentType("text/html; charset=utf-8")
        .result("<!doctype html><title>Unsubscribed</title><p>You will receive no more marketing e-mail from us.</p>");
  }
}
