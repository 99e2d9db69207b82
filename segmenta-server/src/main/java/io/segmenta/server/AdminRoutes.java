package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.conversion.ConversionsJson;
import io.segmenta.core.deletion.SegmentDeletion;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.experiment.json.ReportJson;
import io.segmenta.core.identity.MergeClosure;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Erasure;
import io.segmenta.core.port.Member;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.core.value.Instants;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The admin API, under the admin key: segments (list, create, replace, delete, check a rule, preview its size,
 * page through members, export), profiles (by id or any identifier: traits, computed traits, segments, recent
 * events), experiments (create, list, read, delete, analyse) and conversion tracking.
 *
 * <p>Over 500 lines: the admin routes of segments, rules, profiles, experiments and conversions; newer resources
 * have their own classes (ViolationRoutes, SummaryRoutes, ModelRoutes). Issue 13 gives each remaining resource one
 * routes class.
 */
final class AdminRoutes {
  private final Store store;
  private final Clock clock;
  private final RealtimeFeed feed;
  private final Webhooks webhooks;
  private final Decisions decisions;

  AdminRoutes(Store store, Clock clock, RealtimeFeed feed, Webhooks webhooks, Decisions decisions) {
    this.decisions = decisions;
    this.store = store;
    this.clock = clock;
    this.feed = feed;
    this.webhooks = webhooks;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/segments", Route.Access.ADMIN, "List saved segments with their rules and sizes", null, this::listSegments),
        new Route("POST", "/admin/segments", Route.Access.ADMIN, "Create a segment (type-checked)", "{\"name\", \"rule\", \"description\"}", this::createSegment),
        new Route("GET", "/admin/segments/{name}", Route.Access.ADMIN, "One segment with its size", null, this::getSegment),
        new Route("PUT", "/admin/segments/{name}", Route.Access.ADMIN, "Replace a segment's rule", "{\"rule\", \"description\"}", this::putSegment),
        new Route("DELETE", "/admin/segments/{name}", Route.Access.ADMIN, "Delete a segment; refused (409) while a segment, placement or experiment refers to it, naming them; real-time tracking stops", null, this::deleteSegment),
        new Route("GET", "/admin/segments/{name}/members", Route.Access.ADMIN, "Member ids, a page at a time (?offset, ?limit)", null, this::members),
        new Route("GET", "/admin/segments/{name}/export", Route.Access.ADMIN, "Every member with identifiers and traits (?traits=a,b) whose consent allows ?purpose (default analytics), as JSON lines", null, this::export),
        new Route("GET", "/admin/segments/{name}/changes", Route.Access.ADMIN,
            "Membership history of a real-time segment: entries and exits with time and cause (?since, ?limit, ?profile)", null, this::changes),
        Route.stream("/admin/changes/stream", Route.Access.ADMIN,
            "Membership changes of real-time segments as Server-Sent Events (event 'membership'; ?segment to filter)", this::stream),
        new Route("GET", "/admin/webhooks", Route.Access.ADMIN, "Webhook subscriptions with delivery counts", null, ctx -> Http.json(ctx, 200, webhooks.list())),
        new Route("POST", "/admin/webhooks", Route.Access.ADMIN, "Subscribe a URL to membership changes (signed, retried)",
            "{\"url\", \"segments\": [names] (empty: all)}", this::addWebhook),
        new Route("DELETE", "/admin/webhooks/{id}", Route.Access.ADMIN, "Remove a webhook", null, this::removeWebhook),
        new Route("POST", "/admin/rules/check", Route.Access.ADMIN, "Parse and type-check a rule; its canonical text and JSON", "{\"rule\"}", this::check),
        new Route("POST", "/admin/rules/preview", Route.Access.ADMIN, "How many profiles a rule selects (?sample=N for a fast estimate)", "{\"rule\", \"asOf\"}", this::preview),
        new Route("GET", "/admin/profiles/{id}", Route.Access.ADMIN, "A profile by id, or by identifier with ?by=email: traits, computed traits, segments, recent events", null, this::profile),
        new Route("DELETE", "/admin/profiles/{id}", Route.Access.ADMIN,
            "GDPR erasure of a person (by id, or every holder of ?by=email) with every profile merged with it: profiles, identifiers, events"
                + " (also under their anonymous ids), order lines, consents, membership history, scores; queued webhook deliveries about them are dropped;"
                + " the database file is rewritten", null, this::erase),
        new Route("GET", "/admin/profiles/{id}/export", Route.Access.ADMIN,
            "GDPR subject access: everything held about a person (by id, or ?by=email) as one JSON document", null, this::subjectAccess),
        new Route("PUT", "/admin/profiles/{id}/consent", Route.Access.ADMIN,
            "Record consent choices, e.g. {\"email_marketing\": true, \"advertising\": false}", "purpose → granted", this::consent),
        new Route("GET", "/admin/experiments", Route.Access.ADMIN, "List experiments", null, this::listExperiments),
        new Route("POST", "/admin/experiments", Route.Access.ADMIN, "Create or replace an experiment (Segmenta's or GrowthBook's experiment JSON)", "an experiment", this::createExperiment),
        new Route("GET", "/admin/experiments/{key}", Route.Access.ADMIN, "One experiment's definition", null, this::getExperiment),
        new Route("DELETE", "/admin/experiments/{key}", Route.Access.ADMIN, "Delete an experiment's definition", null, this::deleteExperiment),
        new Route("GET", "/admin/experiments/{key}/analysis", Route.Access.ADMIN,
            "What won, how sure, for whom (?by=segment repeatable, ?sequential=true, ?correction=holm|bh|none, ?mde, ?asOf)", null, this::analysis),
        new Route("GET", "/admin/conversions", Route.Access.ADMIN,
            "Conversion rate per segment over time and over the whole range (?goal, ?by repeatable, default every saved segment, ?from, ?to exclusive, or ?asOf=now|latest|date|instant whose instant the range includes, ?period=day|week|month); the same JSON as segmenta conversions --format json", null, this::conversions));
  }

  private Segments segments() {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
  }

  private Instant asOf(Context ctx) {
    String s = ctx.queryParam("asOf");
    return s == null ? clock.instant() : instant("asOf", s);
  }

  static Instant instant(String field, String s) {
    Instant at;
    try {
      at = s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new Http.Failure(400, "'" + field + "' must be a date such as 2025-06-01 or an instant such as 2025-06-01T00:00:00Z, got '" + s + "'");
    }
    if (!Instants.accepts(at)) {
      throw new Http.Failure(400, "'" + field + "' must be " + Instants.RANGE + ", got '" + s + "'");
    }
    return at;
  }

  private ObjectNode segmentJson(SegmentDefinition d, boolean withSize) {
    ObjectNode o = Http.JSON.createObjectNode().put("name", d.name()).put("rule", d.rule());
    o.set("ruleJson", RuleJson.toJson(RuleText.parseRule(d.rule())));
    if (d.description() != null) {
      o.put("description", d.description());
    }
    o.put("updatedAt", d.updatedAt().toString());
    boolean rt = store.membership().realtimeSegments().contains(d.name());
    o.put("realtime", rt);
    if (withSize) {
      o.put("size", rt ? feed.members(d.name()).size() : store.audiences().run(new AudienceQuery.Count(RuleText.parseRule(d.rule()), clock.instant())));
    }
    return o;
  }

  private SegmentDefinition segment(Context ctx) {
    String name = ctx.pathParam("name");
    return store.segmentDefinitions().find(name).orElseThrow(() -> new Http.Failure(404, "there is no segment '" + name + "'"));
  }

  private void listSegments(Context ctx) {
    ArrayNode a = Http.JSON.createArrayNode();
    store.segmentDefinitions().all().forEach(d -> a.add(segmentJson(d, true)));
    Http.json(ctx, 200, a);
  }

  private void createSegment(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    String name = Http.text(b, "name");
    if (store.segmentDefinitions().find(name).isPresent()) {
      throw new Http.Failure(409, "segment '" + name + "' exists; replace it with PUT /admin/segments/" + name);
    }
    SegmentDefinition d = segments().save(name, ruleText(b), b.hasNonNull("description") ? b.get("description").asText() : null);
    realtime(d, b);
    Http.json(ctx, 201, segmentJson(d, true));
  }

  /** {@code "realtime": true} in a segment's body keeps its membership current on every event. */
  private void realtime(SegmentDefinition d, JsonNode b) {
    boolean on = b.path("realtime").asBoolean(false);
    boolean was = store.membership().realtimeSegments().contains(d.name());
    if (was) {
      feed.untrack(d.name());
    }
    store.membership().setRealtime(d.name(), on);
    if (on) {
      feed.track(d);
    }
  }

  private void putSegment(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    SegmentDefinition d = segments().save(ctx.pathParam("name"), ruleText(b), b.hasNonNull("description") ? b.get("description").asText() : null);
    realtime(d, b);
    Http.json(ctx, 200, segmentJson(d, true));
  }

  /** A rule given as text, or as GrowthBook-style JSON (an object). */
  private static String ruleText(JsonNode b) {
    JsonNode r = b.get("rule");
    if (r == null || r.isNull()) {
      throw new Http.Failure(400, "field 'rule' is required: rule text, or a JSON condition");
    }
    return r.isObject() ? r.toString() : r.asText();
  }

  private void getSegment(Context ctx) {
    Http.json(ctx, 200, segmentJson(segment(ctx), true));
  }

  private void deleteSegment(Context ctx) {
    String name = ctx.pathParam("name");
    boolean deleted;
    try {
      deleted = new SegmentDeletion(store, feed::untrack).delete(name);
    } catch (SegmentDeletion.InUse e) {
      throw new Http.Failure(409, e.getMessage());
    }
    if (!deleted) {
      throw new Http.Failure(404, "there is no segment '" + name + "'");
    }
    ctx.status(204);
  }

  private void members(Context ctx) {
    SegmentDefinition d = segment(ctx);
    int offset = Http.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = Http.intParam(ctx, "limit", 100, 1, 10_000);
    List<String> ids = store.audiences().run(new AudienceQuery.Page(RuleText.parseRule(d.rule()), asOf(ctx), offset, limit));
    ObjectNode o = Http.JSON.createObjectNode().put("segment", d.name()).put("offset", offset).put("limit", limit);
    ids.forEach(o.putArray("members")::add);
    if (ids.size() == limit) {
      o.put("next", "/admin/segments/" + d.name() + "/members?offset=" + (offset + limit) + "&limit=" + limit);
    }
    Http.json(ctx, 200, o);
  }

  private void export(Context ctx) {
    SegmentDefinition d = segment(ctx);
    String t = ctx.queryParam("traits");
    List<String> traits = t == null || t.isBlank() ? List.of() : List.of(t.split(","));
    for (String name : traits) {
      if (store.catalog().schema().trait(name).isEmpty()) {
        throw new Http.Failure(400, "unknown trait '" + name + "' in ?traits");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Purpose purpose = Purpose.parse(ctx.queryParam("purpose") == null ? "analytics" : ctx.queryParam("purpose"));
    store.audiences().run(new AudienceQuery.Export(RuleText.parseRule(d.rule()), asOf(ctx), traits, purpose, m -> line(out, m)));
    ctx.status(200).contentType("application/x-ndjson").result(out.toByteArray());
  }

  private static void line(ByteArrayOutputStream out, Member m) {
    ObjectNode o = Http.JSON.createObjectNode().put("profile_id", m.profileId());
    o.set("identifiers", identifiersJson(m.identifiers()));
    ObjectNode tr = o.putObject("traits");
    m.traits().forEach((k, v) -> tr.set(k, JsonValues.toJson(v)));
    out.writeBytes((o + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Every identifier, as a list per kind ({@code {"anonymous_id": ["a1", "a2"], "email": ["x@y.z"]}}): a person holds
   * an anonymous id per browser and device, and may have used several e-mails; an object of one value per kind
   * showed only the last of each.
   */
  static ObjectNode identifiersJson(List<Identifier> identifiers) {
    ObjectNode ids = Http.JSON.createObjectNode();
    for (Identifier i : identifiers) {
      (ids.has(i.kind()) ? (ArrayNode) ids.get(i.kind()) : ids.putArray(i.kind())).add(i.value());
    }
    return ids;
  }

  private void check(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    ParsedRule parsed = segments().check(ruleText(b));
    ObjectNode o = Http.JSON.createObjectNode().put("ok", true).put("rule", RuleText.print(parsed.rule()));
    o.set("ruleJson", RuleJson.toJson(parsed.rule()));
    Http.json(ctx, 200, o);
  }

  private void preview(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    Rule rule = segments().check(ruleText(b)).rule();
    Instant at = b.hasNonNull("asOf") ? instant("asOf", b.get("asOf").asText()) : clock.instant();
    int sample = Http.intParam(ctx, "sample", 1, 1, 1000);
    long n = sample == 1 ? store.audiences().run(new AudienceQuery.Count(rule, at)) : store.audiences().run(new AudienceQuery.Sample(rule, at, sample));
    Http.json(ctx, 200, Http.JSON.createObjectNode().put("count", n).put("sampled", sample > 1).put("asOf", at.toString()));
  }

  /** The profile id a request names: the path's id, or the profile an identifier (?by=email) belongs to. */
  private String profileId(Context ctx) {
    String key = ctx.pathParam("id");
    String by = ctx.queryParam("by");
    String id = by == null ? key : store.profiles().findProfile(by.toLowerCase(Locale.ROOT), key)
        .orElseThrow(() -> new Http.Failure(404, "no profile has that " + by));
    if (store.profiles().history(id).isEmpty()) {
      throw new Http.Failure(404, "there is no such profile");
    }
    return id;
  }

  private void changes(Context ctx) {
    SegmentDefinition d = segment(ctx);
    Instant since = ctx.queryParam("since") == null ? Instant.EPOCH : instant("since", ctx.queryParam("since"));
    int limit = Http.intParam(ctx, "limit", 1000, 1, 100_000);
    ArrayNode a = Http.JSON.createArrayNode();
    store.membership().membershipChanges(d.name(), ctx.queryParam("profile"), since, limit).forEach(c -> a.add(Webhooks.json(c)));
    Http.json(ctx, 200, a);
  }

  private void stream(SseClient client) {
    String only = client.ctx().queryParam("segment");
    client.keepAlive();
    // The greeting goes out before any change can; then only the feed's thread writes to the stream.
    client.sendComment("connected");
    AtomicReference<Consumer<List<MembershipChange>>> self = new AtomicReference<>();
    Consumer<List<MembershipChange>> l = changes -> {
      if (client.terminated()) {
        feed.unlisten(self.get());
        return;
      }
      for (MembershipChange c : changes) {
        if (only == null || only.equals(c.segment())) {
          client.sendEvent("membership", Webhooks.json(c).toString());
        }
      }
    };
    self.set(l);
    client.onClose(() -> feed.unlisten(l));
    feed.listen(l);
  }

  private void addWebhook(Context ctx) {
    JsonNode b = Http.body(ctx, 16 * 1024);
    Set<String> segs = new TreeSet<>();
    b.path("segments").forEach(x -> segs.add(x.asText()));
    for (String sname : segs) {
      if (!store.membership().realtimeSegments().contains(sname)) {
        throw new Http.Failure(400, "'" + sname + "' is not a real-time segment; mark it with \"realtime\": true first");
      }
    }
    Webhooks.Hook h = webhooks.add(Http.text(b, "url"), segs);
    Http.json(ctx, 201, Http.JSON.createObjectNode().put("id", h.id()).put("url", h.url()).put("secret", h.secret()));
  }

  private void removeWebhook(Context ctx) {
    if (!webhooks.remove(ctx.pathParam("id"))) {
      throw new Http.Failure(404, "there is no webhook '" + ctx.pathParam("id") + "'");
    }
    ctx.status(204);
  }

  /**
   * Erasure of a person ({@link Erasures}: the profile named, by id or every holder of the identifier with
   * {@code ?by=}, and every profile merged with it), with the real-time feed, the decision API and the webhook
   * queues as the holders that forget them.
   */
  private void erase(Context ctx) {
    String by = ctx.queryParam("by");
    Erasures erasures = new Erasures(store, List.of((p, a) -> feed.forget(p), decisions::forget, (p, a) -> webhooks.forget(p)));
    List<String> named = erasures.named(ctx.pathParam("id"), by);
    if (named.isEmpty()) {
      throw new Http.Failure(404, by == null ? "there is no such profile" : "no profile has that " + by);
    }
    Erasure e = erasures.erase(named).erasure();
    ObjectNode o = Http.JSON.createObjectNode().put("erased", true).put("events", e.events()).put("orderLines", e.orderLines()).put("identifiers", e.identifiers());
    e.profileIds().forEach(o.putArray("profiles")::add);
    Http.json(ctx, 200, o);
  }

  private void consent(Context ctx) {
    String id = profileId(ctx);
    JsonNode b = Http.body(ctx, 16 * 1024);
    List<ConsentRecord> choices = new ArrayList<>();
    Instant now = clock.instant();
    for (var it = b.fields(); it.hasNext(); ) {
      var f = it.next();
      if (!f.getValue().isBoolean()) {
        throw new Http.Failure(400, "consent for '" + f.getKey() + "' must be true or false, got " + f.getValue());
      }
      choices.add(new ConsentRecord(Purpose.parse(f.getKey()), f.getValue().asBoolean(), now, "admin"));
    }
    store.consent().recordConsent(id, choices);
    decisions.consentRecorded(id, choices);
    Http.json(ctx, 200, consentJson(id));
  }

  private ObjectNode consentJson(String id) {
    ObjectNode o = Http.JSON.createObjectNode();
    List<ConsentRecord> history = store.consent().consents(id);
    ObjectNode now = o.putObject("allowed");
    ConsentPolicy.allowedAll(history).forEach((p, allowed) -> now.put(p.label(), allowed));
    ArrayNode h = o.putArray("history");
    history.forEach(c -> h.addObject().put("purpose", c.purpose().label()).put("granted", c.granted()).put("at", c.at().toString()).put("source", c.source()));
    return o;
  }

  private void subjectAccess(Context ctx) {
    String id = profileId(ctx);
    ObjectNode o = profileJson(id, Integer.MAX_VALUE);
    o.put("exportedAt", clock.instant().toString());
    o.put("note", "Everything Segmenta holds about this person: identifiers, traits, computed traits, segments, consent history and every event.");
    ctx.header("Content-Disposition", "attachment; filename=\"subject-access.json\"");
    Http.json(ctx, 200, o);
  }

  private void profile(Context ctx) {
    Http.json(ctx, 200, profileJson(profileId(ctx), 50));
  }

  private ObjectNode profileJson(String id, int maxEvents) {
    ProfileHistory h = store.profiles().history(id).orElseThrow(() -> new Http.Failure(404, "there is no such profile"));
    Instant now = clock.instant();
    Segments seg = segments();
    Evaluator ev = Evaluator.strict(now, seg.resolver());
    ObjectNode o = Http.JSON.createObjectNode().put("id", id).put("asOf", now.toString());
    o.set("identifiers", identifiersJson(h.profile().identifiers()));
    ObjectNode traits = o.putObject("traits");
    h.profile().traits().forEach((k, v) -> traits.set(k, JsonValues.toJson(v)));
    ObjectNode computed = o.putObject("computedTraits");
    ComputedTraits.all().forEach((name, m) -> {
      Value v = ev.measure(m, h);
      computed.set(name, JsonValues.toJson(v));
    });
    ArrayNode member = o.putArray("segments");
    for (SegmentDefinition d : store.segmentDefinitions().all()) {
      if (ev.matches(RuleText.parseRule(d.rule()), h)) {
        member.add(d.name());
      }
    }
    o.set("consent", consentJson(id));
    ArrayNode merges = o.putArray("merges");
    for (MergeRecord m : store.identities().merges(id)) {
      ObjectNode x = merges.addObject().put("survivor", m.survivorId()).put("merged", m.mergedId()).put("at", m.at().toString())
          .put("reason", m.reason()).put("applied", m.applied());
      ArrayNode moved = x.putArray("identifiers");
      m.identifiers().forEach(i -> moved.add(i.kind() + ":" + i.value()));
    }
    ArrayNode history = o.putArray("membershipHistory");
    store.membership().membershipChanges(null, id, Instant.EPOCH, maxEvents == Integer.MAX_VALUE ? Integer.MAX_VALUE : 50).forEach(c -> history.add(Webhooks.json(c)));
    ArrayNode recent = o.putArray(maxEvents == Integer.MAX_VALUE ? "allEvents" : "recentEvents");
    List<Event> events = new ArrayList<>(h.events());
    events.sort(Comparator.comparing(Event::timestamp).reversed());
    for (Event e : events.subList(0, Math.min(maxEvents, events.size()))) {
      try {
        recent.add(Http.JSON.readTree(Importer.toJsonLine(e)));
      } catch (JsonProcessingException x) {
        throw new IllegalStateException("an event did not print as JSON", x);
      }
    }
    o.put("events", h.events().size());
    return o;
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

  private Map<String, Rule> breakdown(List<String> by) {
    Segments s = segments();
    Map<String, Rule> out = new LinkedHashMap<>();
    for (String x : by) {
      out.put(x, s.ruleOf(x));
    }
    return out;
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
    Analysis.Report r = Analysis.analyse(store.experimentReads(), e, breakdown(ctx.queryParams("by")), asOf(ctx), o);
    Http.json(ctx, 200, ReportJson.toJson(r));
  }

  private static double number(String name, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new Http.Failure(400, "?" + name + " must be a number, got '" + v + "'");
    }
  }

  private void conversions(Context ctx) {
    String goal = ctx.queryParam("goal") == null ? "count(order) >= 1" : ctx.queryParam("goal");
    String from = ctx.queryParam("from");
    if (from == null) {
      throw new Http.Failure(400, "?from is required: the first day of the range");
    }
    Conversions.Period p;
    try {
      p = Conversions.Period.valueOf(String.valueOf(ctx.queryParam("period") == null ? "month" : ctx.queryParam("period")).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Http.Failure(400, "?period must be day, week or month, got '" + ctx.queryParam("period") + "'");
    }
    // As the CLI: ?to is exclusive, and without it the range ends just after the as-of instant (?asOf: now, latest,
    // a date or an instant; by default now, or the newest event when the data ended long ago: AsOfDefault).
    Instant asOf = ctx.queryParam("to") != null ? null : reportAsOf(ctx.queryParam("asOf"));
    Instant to = asOf == null ? instant("to", ctx.queryParam("to")) : asOf.plus(1, ChronoUnit.MICROS);
    Conversions.Report r = Conversions.track(store, Conversions.goal(goal), Conversions.segments(store, segments(), ctx.queryParams("by")), instant("from", from), to, p);
    Http.json(ctx, 200, ConversionsJson.of(r, asOf));
  }

  private Instant reportAsOf(String text) {
    Instant now = clock.instant();
    Instant last = store.profiles().stats().lastEvent();
    return text == null ? AsOfDefault.of(now, last) : text.equals("now") ? now : text.equals("latest") ? (last == null ? now : last)
        : text.length() == 10 ? instant("asOf", text).plus(1, ChronoUnit.DAYS).minus(1, ChronoUnit.MICROS) : instant("asOf", text);
  }
}
