package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.identifiersJson;
import static io.segmenta.server.AdminRoutes.instant;
import static io.segmenta.server.AdminRoutes.ruleText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.port.Member;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.json.JsonValues;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.deletion.SegmentDeletion;

/**
 * Saved segments under the admin key: list, create, read, replace and delete them (a segment marked
 * {@code "realtime": true} is kept current by the {@link RealtimeFeed}), page through their members, export them
 * with consent applied, and read a real-time segment's membership history.
 */
final class SegmentRoutes {
  private final Store store;
  private final Clock clock;
  private final RealtimeFeed feed;

  SegmentRoutes(Store store, Clock clock, RealtimeFeed feed) {
    this.store = store;
    this.clock = clock;
    this.feed = feed;
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
            "Membership history of a real-time segment: entries and exits with time and cause (?since, ?limit, ?profile)", null, this::changes));
  }

  private Segments segments() {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
  }

  private Instant asOf(Context ctx) {
    String s = ctx.queryParam("asOf");
    return s == null ? clock.instant() : instant("asOf", s);
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

  private void getSegment(Context ctx) {
    Http.json(ctx, 200, segmentJson(segment(ctx), true));
  }

  private void deleteSegment(Context ctx) {
    String name = ctx.pathParam("name");
    boolean deleted;
    try {
      deleted = store.segmentDeletion(feed::untrack).delete(name);
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

  private void changes(Context ctx) {
    SegmentDefinition d = segment(ctx);
    Instant since = ctx.queryParam("since") == null ? Instant.EPOCH : instant("since", ctx.queryParam("since"));
    int limit = Http.intParam(ctx, "limit", 1000, 1, 100_000);
    ArrayNode a = Http.JSON.createArrayNode();
    store.membership().membershipChanges(d.name(), ctx.queryParam("profile"), since, limit).forEach(c -> a.add(Webhooks.json(c)));
    Http.json(ctx, 200, a);
  }
}
