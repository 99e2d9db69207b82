package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.breakdown;
import static io.segmenta.server.AdminRoutes.instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.http.Context;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.experiment.json.ReportJson;
import io.segmenta.core.store.Store;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Experiments under the admin key: create or replace (Segmenta's or GrowthBook's JSON), list, read, delete, analyse. */
final class ExperimentRoutes {
  private final Store store;
  private final Clock clock;

  ExperimentRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/experiments", Route.Access.ADMIN, "List experiments", null, this::listExperiments),
        new Route("POST", "/admin/experiments", Route.Access.ADMIN, "Create or replace an experiment (Segmenta's or GrowthBook's experiment JSON)", "an experiment", this::createExperiment),
        new Route("GET", "/admin/experiments/{key}", Route.Access.ADMIN, "One experiment's definition", null, this::getExperiment),
        new Route("DELETE", "/admin/experiments/{key}", Route.Access.ADMIN, "Delete an experiment's definition", null, this::deleteExperiment),
        new Route("GET", "/admin/experiments/{key}/analysis", Route.Access.ADMIN,
            "What won, how sure, for whom (?by=segment repeatable, ?sequential=true, ?correction=holm|bh|none, ?mde, ?asOf)", null, this::analysis));
  }

  private Segments segments() {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
  }

  private Instant asOf(Context ctx) {
    String s = ctx.queryParam("asOf");
    return s == null ? clock.instant() : instant("asOf", s);
  }

  private void listExperiments(Context ctx) {
    ArrayNode a = Http.JSON.createArrayNode();
    store.experimentDefinitions().all().forEach(e -> a.add(ExperimentJson.toJson(e)));
    Http.json(ctx, 200, a);
  }

  private void createExperiment(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    Experiment e = ExperimentJson.parse(b);
    if (e.targeting().segment() != null && store.segmentDefinitions().find(e.targeting().segment()).isEmpty()) {
      throw new Http.Failure(400, "the experiment targets segment '" + e.targeting().segment() + "', which is not saved");
    }
    for (var m : e.metrics()) {
      for (var a : m.aggregates()) {
        if (store.catalog().schema().eventType(a.eventType()).isEmpty()) {
          throw new Http.Failure(400, "metric '" + m.name() + "': unknown event type '" + a.eventType() + "'");
        }
      }
    }
    boolean existed = store.experimentDefinitions().find(e.key()).isPresent();
    store.experimentDefinitions().save(e);
    Http.json(ctx, existed ? 200 : 201, ExperimentJson.toJson(e));
  }

  private Experiment experiment(Context ctx) {
    String key = ctx.pathParam("key");
    return store.experimentDefinitions().find(key).orElseThrow(() -> new Http.Failure(404, "there is no experiment '" + key + "'"));
  }

  private void getExperiment(Context ctx) {
    Http.json(ctx, 200, ExperimentJson.toJson(experiment(ctx)));
  }

  private void deleteExperiment(Context ctx) {
    String key = ctx.pathParam("key");
    if (!store.experimentDefinitions().delete(key)) {
      throw new Http.Failure(404, "there is no experiment '" + key + "'");
    }
    ctx.status(204);
  }

  private void analysis(Context ctx) {
    Experiment e = experiment(ctx);
    Analysis.Correction c = switch (String.valueOf(ctx.queryParam("correction")).toLowerCase(Locale.ROOT)) {
      case "null", "holm" -> Analysis.Correction.HOLM;
      case "bh" -> Analysis.Correction.BENJAMINI_HOCHBERG;
      case "none" -> Analysis.Correction.NONE;
      default -> throw new Http.Failure(400, "?correction must be holm, bh or none, got '" + ctx.queryParam("correction") + "'");
    };
    double mde = ctx.queryParam("mde") == null ? Analysis.Options.DEFAULT.minimumEffect() : number("mde", ctx.queryParam("mde"));
    Analysis.Options o;
    try {
      o = new Analysis.Options(Analysis.Options.DEFAULT.alpha(), "true".equals(ctx.queryParam("sequential")), Analysis.Options.DEFAULT.sequentialTuning(), c, mde);
    } catch (IllegalArgumentException x) {
      throw new Http.Failure(400, x.getMessage());
    }
    Analysis.Report r = Analysis.analyse(store.experimentReads(), e, breakdown(segments(), ctx.queryParams("by")), asOf(ctx), o);
    Http.json(ctx, 200, ReportJson.toJson(r));
  }

  private static double number(String name, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new Http.Failure(400, "?" + name + " must be a number, got '" + v + "'");
    }
  }
}
