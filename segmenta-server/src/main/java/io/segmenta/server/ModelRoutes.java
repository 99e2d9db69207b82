package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.ml.cluster.Segmentation;
import io.segmenta.ml.cluster.SegmentationJson;
import io.segmenta.ml.lookalike.Lookalikes;
import io.segmenta.ml.lookalike.LookalikesJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import io.segmenta.core.survey.SurveyJson;
import io.segmenta.core.survey.Surveys;
import java.util.LinkedHashMap;
import java.util.Map;

/** The admin API of the models: proposed segments (clusters explained as rules) and lookalike audiences. */
final class ModelRoutes {
  private final Store store;
  private final Clock clock;

  ModelRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        new Route("POST", "/admin/clusters", Route.Access.ADMIN,
            "Propose segments: k-means on computed traits, k by silhouette, profiles, names and rules; \"save\" stores the rules as segments",
            "{\"features\": [...], \"k\": n, \"seed\": n, \"asOf\", \"save\": prefix}", this::clusters),
        new Route("POST", "/admin/lookalikes", Route.Access.ADMIN,
            "Customers most like a segment, in tiers of the closest 1/2/5/10 %, optionally constrained; \"save\" stores a tier as a segment",
            "{\"seed\": segment or rule, \"likeBut\": rule, \"features\": [...], \"name\", \"save\", \"tier\": 1|2|5|10, \"evaluate\": bool}", this::lookalikes),
        new Route("POST", "/admin/surveys", Route.Access.ADMIN, "Import survey answers as traits survey_<question> (respondents matched by \"by\": an identifier kind or profile)",
            "{\"by\": \"email\", \"source\", \"answers\": [{\"respondent\", \"question\", \"answer\", \"answeredAt\", \"purpose\"}]}", this::importSurvey),
        new Route("GET", "/admin/surveys/{question}", Route.Access.ADMIN, "How a question was answered per segment (?by repeatable): coverage, counts, chi-square", null, this::surveyReport));
  }

  private void importSurvey(Context ctx) {
    JsonNode b = Http.body(ctx, 4 * 1024 * 1024);
    String by = b.path("by").asText("email");
    JsonNode list = b.get("answers");
    if (list == null || !list.isArray()) {
      throw new Http.Failure(400, "field 'answers' is required: a list of answers");
    }
    List<Surveys.Answer> answers = new ArrayList<>();
    int i = 0;
    for (JsonNode a : list) {
      for (String f : List.of("respondent", "question", "answer", "answeredAt")) {
        if (!a.hasNonNull(f)) {
          throw new Http.Failure(400, "answers[" + i + "]." + f + " is required");
        }
      }
      answers.add(new Surveys.Answer(i, by, a.get("respondent").asText(), a.get("question").asText(), a.get("answer").asText(),
          AdminRoutes.instant("answers[" + i + "].answeredAt", a.get("answeredAt").asText()), a.hasNonNull("purpose") ? a.get("purpose").asText() : null));
      i++;
    }
    var r = Surveys.importAnswers(store.catalog(), store.profiles(), store.consent(), answers, b.path("source").asText("api"));
    ObjectNode o = Http.JSON.createObjectNode().put("answers", r.answers()).put("profiles", r.profiles());
    r.traits().forEach(o.putArray("traits")::add);
    r.unmatched().forEach(o.putArray("unmatched")::add);
    Http.json(ctx, 200, o);
  }

  private void surveyReport(Context ctx) {
    Segments segs = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
    Map<String, Rule> rules = new LinkedHashMap<>();
    ctx.queryParams("by").forEach(x -> rules.put(x, segs.ruleOf(x)));
    if (rules.isEmpty()) {
      throw new Http.Failure(400, "give the segments to compare with ?by=");
    }
    Http.json(ctx, 200, SurveyJson.crossTab(Surveys.crossTab(store.catalog(), store.audiences(), ctx.pathParam("question"), rules, clock.instant())));
  }

  private static List<String> features(JsonNode b) {
    if (!b.has("features")) {
      return Segmentation.DEFAULT_FEATURES;
    }
    List<String> f = new ArrayList<>();
    b.get("features").forEach(x -> f.add(x.asText()));
    return f;
  }

  private Instant asOf(JsonNode b) {
    return b.hasNonNull("asOf") ? AdminRoutes.instant("asOf", b.get("asOf").asText()) : clock.instant();
  }

  private void clusters(Context ctx) {
    JsonNode b = Http.body(ctx, 16 * 1024);
    Integer k = b.hasNonNull("k") ? b.get("k").asInt() : null;
    if (k != null && (k < 2 || k > 20)) {
      throw new Http.Failure(400, "'k' must be between 2 and 20, got " + k);
    }
    Segmentation.Result r = Segmentation.run(store.catalog(), store.audiences(), asOf(b), features(b), 2, 8, k, b.path("seed").asLong(42));
    List<String> saved = b.hasNonNull("save") ? Segmentation.saveRules(store.catalog(), store.segmentDefinitions(), store.scores(), r, b.get("save").asText(), clock) : List.of();
    Http.json(ctx, 200, SegmentationJson.toJson(r, saved));
  }

  private void lookalikes(Context ctx) {
    JsonNode b = Http.body(ctx, 16 * 1024);
    Segments segs = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
    String seedText = Http.text(b, "seed");
    Rule seed = segs.ruleOf(seedText);
    Rule like = b.hasNonNull("likeBut") ? segs.ruleOf(b.get("likeBut").asText()) : null;
    int tier = b.path("tier").asInt(5);
    if (tier != 1 && tier != 2 && tier != 5 && tier != 10) {
      throw new Http.Failure(400, "'tier' must be 1, 2, 5 or 10, got " + tier);
    }
    Instant at = asOf(b);
    Lookalikes.Sources sources = new Lookalikes.Sources(store.catalog(), store.audiences(), store.segmentDefinitions(), store.scores(), clock);
    String name = b.hasNonNull("name") ? b.get("name").asText() : seedText.matches("[a-z0-9_-]+") ? seedText.replace('-', '_') : "seed";
    List<Lookalikes.Recovery> recovery = b.path("evaluate").asBoolean(false) ? Lookalikes.evaluate(sources, at, seed, features(b), 0.5, 42) : null;
    Lookalikes.Result r = Lookalikes.find(sources, at, seedText, seed, like, features(b), name);
    String saved = b.hasNonNull("save") ? b.get("save").asText() : null;
    if (saved != null) {
      Lookalikes.TierRule t = r.tiers().stream().filter(x -> Math.round(x.share() * 100) == tier).findFirst().orElseThrow();
      segs.save(saved, t.rule(), "lookalike of " + seedText + ", closest " + tier + " %");
    }
    Http.json(ctx, 200, LookalikesJson.of(at, recovery, r, saved));
  }
}
