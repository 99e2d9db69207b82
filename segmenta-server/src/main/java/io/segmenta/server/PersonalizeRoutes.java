package io.segmenta.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.SegmentaException;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.email.Recipients;
import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Interests;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.personalize.Personalizer;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.personalize.RequestContext;
import io.segmenta.core.store.Store;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.ml.recommend.Recommender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Personalization over HTTP: {@code POST /v1/personalize} under a write key (what a page or an e-mail block shows,
 * and why), and the admin API of placements, recommendations, e-mail previews and the decision state.
 */
final class PersonalizeRoutes {
  /** A decision request is small; a session's clicks are capped. */
  static final int REQUEST_LIMIT = 32 * 1024;
  static final int MAX_CLICKS = 50;

  private final Store store;
  private final Clock clock;
  private final Decisions decisions;
  private final CampaignChoices campaigns;
  private final EmailRenderer renderer = new EmailRenderer();

  PersonalizeRoutes(Store store, Clock clock, Decisions decisions, CampaignChoices campaigns) {
    this.store = store;
    this.clock = clock;
    this.decisions = decisions;
    this.campaigns = campaigns;
  }

  List<Route> routes() {
    return List.of(
        new Route("POST", "/v1/personalize", Route.Access.WRITE,
            "What each placement shows this visitor now, and why (segments, traits, context, session intent and interests, consent),"
                + " and their campaign (one across channels), whose web variant fills its placement",
            "{\"userId\" | \"anonymousId\", \"placements\": [...], \"context\": {\"page\": {\"url\", \"referrer\"}, \"campaign\": {\"source\", \"medium\", \"name\"},"
                + " \"device\": {\"type\"}, \"leadMagnet\", \"consent\": {\"categoryPreferences\": {\"personalization\": bool}}},"
                + " \"clicks\": [{\"kind\", \"url\", \"category\", \"productId\", \"timestamp\"}]}", this::personalize),
        new Route("GET", "/admin/placements", Route.Access.ADMIN, "Every placement", null, this::listPlacements),
        new Route("POST", "/admin/placements", Route.Access.ADMIN, "Create or replace a placement; its rules are checked and the decisions reloaded",
            "{\"key\", \"description\", \"strategy\": \"first_match|highest_score|experiment\", \"experiment\", \"holdout\", \"contents\": [{\"key\", \"rule\", \"score\", \"payload\", \"recommendations\"}], \"fallback\": {...}}",
            this::savePlacement),
        new Route("GET", "/admin/placements/{key}", Route.Access.ADMIN, "One placement", null, this::getPlacement),
        new Route("DELETE", "/admin/placements/{key}", Route.Access.ADMIN, "Delete a placement (decisions reloaded)", null, this::deletePlacement),
        new Route("GET", "/admin/decisions", Route.Access.ADMIN, "The decision state: placements, profiles indexed, as-of, load time, recommender provenance, last error", null, this::status),
        new Route("POST", "/admin/decisions/reload", Route.Access.ADMIN, "Reload placements, profiles and recommendations now", null, this::reload),
        new Route("GET", "/admin/recommendations/{id}", Route.Access.ADMIN,
            "Product recommendations for a profile (?n, ?new=true for unbought only, ?category, ?minPrice, ?maxPrice, ?perCategory, ?unavailable=id,id for out of stock)", null, this::recommend),
        new Route("POST", "/admin/emails/preview", Route.Access.ADMIN, "Render an e-mail template for one profile, with the defaults it needed and its consent",
            "{\"template\": {\"key\", \"subject\", \"body\", \"defaults\": {...}, \"recommendations\": n}, \"profileId\"}", this::preview));
  }

  private void personalize(Context ctx) {
    JsonNode b = Http.body(ctx, REQUEST_LIMIT);
    Instant now = clock.instant();
    JsonNode c = b.path("context");
    JsonNode clicks = b.path("clicks");
    if (!clicks.isMissingNode() && !clicks.isArray()) {
      throw new Http.Failure(400, "field 'clicks' must be a list");
    }
    if (clicks.size() > MAX_CLICKS) {
      throw new Http.Failure(400, "field 'clicks' has " + clicks.size() + " clicks; send at most " + MAX_CLICKS + " (the session keeps the rest)");
    }
    List<Click> list = new ArrayList<>();
    for (int i = 0; i < clicks.size(); i++) {
      JsonNode k = clicks.get(i);
      try {
        Instant at = k.hasNonNull("timestamp") ? AdminRoutes.instant("clicks[" + i + "].timestamp", k.get("timestamp").asText()) : now;
        list.add(Click.of(at.isAfter(now) ? now : at, k.hasNonNull("kind") ? k.get("kind").asText() : null, k.path("url").asText(null),
            k.path("category").asText(null), k.path("productId").asText(null)));
      } catch (IllegalArgumentException e) {
        throw new Http.Failure(400, "clicks[" + i + "]: " + e.getMessage());
      }
    }
    JsonNode consent = c.path("consent").path("categoryPreferences");
    Boolean personalization = null;
    for (String name : List.of("personalization", "personalisation", "functional", "preferences")) {
      if (consent.has(name)) {
        if (!consent.get(name).isBoolean()) {
          throw new Http.Failure(400, "context.consent.categoryPreferences." + name + " must be true or false");
        }
        personalization = consent.get(name).asBoolean();
        break;
      }
    }
    List<String> placements = new ArrayList<>();
    b.path("placements").forEach(p -> placements.add(p.asText()));
    RequestContext rc = new RequestContext(c.path("page").path("url").asText(null), c.path("page").path("referrer").asText(null),
        c.path("campaign").path("source").asText(null), c.path("campaign").path("medium").asText(null), c.path("campaign").path("name").asText(null),
        c.path("device").path("type").asText(null), c.path("leadMagnet").asText(null));
    // The person's campaign (issue 17): the same arbitration as their e-mails and ad audiences. Its web variant takes
    // its placement over inside the decision, so an experiment running there neither assigns nor exposes the person.
    AtomicReference<Optional<Campaign>> taken = new AtomicReference<>(Optional.empty());
    Personalizer.Outcome o = decisions.decide(new Personalizer.Request(b.path("userId").asText(null), b.path("anonymousId").asText(null), rc, list,
        personalization, placements), id -> {
          taken.set(campaigns.of(id).filter(x -> x.web() != null));
          return taken.get().map(PersonalizeRoutes::takeover);
        });
    // Streamed, with each payload's JSON rendered once at compile time: the decision endpoint's allocation per
    // request is what its GC pauses (and so its tail latency) come from.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
    try (JsonGenerator g = Http.JSON.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("profileId", o.profileId());
      g.writeBooleanField("known", o.known());
      g.writeBooleanField("personalized", o.personalized());
      g.writeStringField("intent", o.intent().label());
      g.writeStringField("topInterest", o.topInterest());
      g.writeArrayFieldStart("interests");
      for (String i : o.interests()) {
        g.writeString(i);
      }
      g.writeEndArray();
      // The web shows the campaign only with consent to personalization (the decision asked for it only then).
      if (taken.get().isPresent()) {
        Campaign campaign = taken.get().get();
        g.writeObjectFieldStart("campaign");
        g.writeStringField("key", campaign.key());
        g.writeNumberField("priority", campaign.priority());
        g.writeStringField("placement", campaign.web().placement());
        g.writeEndObject();
      } else {
        g.writeNullField("campaign");
      }
      g.writeArrayFieldStart("decisions");
      for (Personalizer.Choice ch : o.choices()) {
        g.writeStartObject();
        g.writeStringField("placement", ch.placement());
        g.writeStringField("content", ch.content());
        g.writeBooleanField("fallback", ch.fallback());
        g.writeStringField("reason", ch.reason());
        if (ch.rule() != null) {
          g.writeStringField("rule", ch.rule());
        }
        if (ch.variant() != null) {
          g.writeStringField("variant", ch.variant());
        }
        g.writeFieldName("payload");
        g.writeRawValue(ch.payloadJson());
        g.writeArrayFieldStart("items");
        for (Recommendations.Item i : ch.items()) {
          g.writeStartObject();
          g.writeStringField("productId", i.productId());
          g.writeNumberField("score", i.score());
          g.writeStringField("reason", i.reason());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.status(200).contentType("application/json").result(bytes.toByteArray());
  }

  /** A campaign's web variant as the decision's takeover of its placement. */
  static Personalizer.Takeover takeover(Campaign c) {
    Value payload;
    try {
      payload = JsonValues.fromJson(Http.JSON.readTree(c.web().payload()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Personalizer.Takeover(c.web().placement(), "campaign:" + c.key(), payload, c.web().payload(), "campaign " + c.key()
        + ": the highest-priority campaign this person is in and consents to, the same in every channel");
  }

  private static void items(ArrayNode a, List<Recommendations.Item> items) {
    for (Recommendations.Item i : items) {
      a.addObject().put("productId", i.productId()).put("score", i.score()).put("reason", i.reason());
    }
  }

  private void listPlacements(Context ctx) {
    ArrayNode a = Http.JSON.createArrayNode();
    store.placementDefinitions().all().forEach(p -> a.add(PlacementJson.toJson(p)));
    Http.json(ctx, 200, a);
  }

  private void savePlacement(Context ctx) {
    Placement p = PlacementJson.parse(Http.body(ctx, 256 * 1024));
    // Compile with the others first: a placement whose rules do not check is never saved.
    List<Placement> all = new ArrayList<>(store.placementDefinitions().all().stream().filter(x -> !x.key().equals(p.key())).toList());
    all.add(p);
    Personalizer.compile(all, store.catalog().schema(), new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock).resolver(), store.experimentDefinitions()::find, Interests.DEFAULT_HALF_LIFE);
    store.placementDefinitions().save(p);
    decisions.reloadPlacements();
    Http.json(ctx, 201, PlacementJson.toJson(p));
  }

  private void getPlacement(Context ctx) {
    String key = ctx.pathParam("key");
    Placement p = store.placementDefinitions().find(key).orElseThrow(() -> new Http.Failure(404, "there is no placement '" + key + "'"));
    Http.json(ctx, 200, PlacementJson.toJson(p));
  }

  private void deletePlacement(Context ctx) {
    String key = ctx.pathParam("key");
    if (!store.placementDefinitions().delete(key)) {
      throw new Http.Failure(404, "there is no placement '" + key + "'");
    }
    decisions.reloadPlacements();
    Http.json(ctx, 200, Http.JSON.createObjectNode().put("deleted", key));
  }

  private void status(Context ctx) {
    Http.json(ctx, 200, statusJson());
  }

  private void reload(Context ctx) {
    try {
      decisions.reload();
    } catch (SegmentaException e) {
      throw new Http.Failure(409, "the decisions could not be reloaded, the previous state stays: " + e.getMessage());
    }
    Http.json(ctx, 200, statusJson());
  }

  private ObjectNode statusJson() {
    Personalization p = decisions.state();
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode keys = o.putArray("placements");
    p.personalizer().placements().forEach(x -> keys.add(x.key()));
    o.put("loaded", decisions.loaded());
    o.put("profiles", p.index().size()).put("asOf", p.index().asOf().toString()).put("loadMillis", p.loadTime().toMillis());
    ArrayNode traits = o.putArray("traitsLoaded");
    p.index().traits().forEach(traits::add);
    ArrayNode segs = o.putArray("segmentsLoaded");
    p.index().segments().forEach(segs::add);
    o.put("sessions", p.sessions().size());
    Recommender r = decisions.recommender();
    if (r != null) {
      Recommender.Provenance pv = r.provenance();
      o.putObject("recommender").put("asOf", pv.asOf().toString()).put("interactions", pv.interactions()).put("customers", pv.customers())
          .put("products", pv.products()).put("buildMillis", pv.buildTime().toMillis());
    }
    if (decisions.lastError() != null) {
      o.put("lastError", decisions.lastError());
    }
    return o;
  }

  private void recommend(Context ctx) {
    Recommender r = decisions.recommender();
    if (r == null) {
      throw new Http.Failure(409, "recommendations are not built yet; see GET /admin/decisions");
    }
    String id = ctx.pathParam("id");
    int n = Http.intParam(ctx, "n", 10, 1, 100);
    String unavailable = ctx.queryParam("unavailable");
    Set<String> out = unavailable == null ? Set.of() : Set.of(unavailable.split(","));
    Recommender.Filter f = new Recommender.Filter("true".equals(ctx.queryParam("new")), ctx.queryParam("category"), price(ctx, "minPrice"),
        price(ctx, "maxPrice"), out.isEmpty() ? null : product -> !out.contains(product), Http.intParam(ctx, "perCategory", 0, 0, 100));
    ObjectNode o = Http.JSON.createObjectNode().put("profileId", id).put("personal", r.knows(id));
    items(o.putArray("items"), r.personal(id, n, f));
    Http.json(ctx, 200, o);
  }

  private static double price(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new Http.Failure(400, "query parameter '" + name + "' must be a number, got '" + v + "'");
    }
  }

  private void preview(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    if (!b.path("template").isObject()) {
      throw new Http.Failure(400, "field 'template' is required: an object with key, subject and body");
    }
    EmailTemplate t = EmailRenderer.parse(b.get("template").toString());
    String id = Http.text(b, "profileId");
    Recommender r = decisions.recommender();
    Recipients.Lookup who = Recipients.of(store.catalog(), store.profiles(), store.consent(), store.segmentDefinitions(), store.scores(), id, r == null ? Recommendations.NONE : r, t.recommendations(), clock);
    EmailRenderer.Email e = renderer.render(t, who.recipient());
    ObjectNode o = Http.JSON.createObjectNode().put("profileId", id).put("subject", e.subject()).put("html", e.html())
        .put("emailConsent", who.emailConsent());
    ArrayNode d = o.putArray("defaulted");
    e.defaulted().forEach(d::add);
    Http.json(ctx, 200, o);
  }
}
