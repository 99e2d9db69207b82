package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.identifiersJson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.identity.MergeClosure;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Erasure;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.consent.ConsentPolicy;

/**
 * Profiles and privacy under the admin key: a profile by id or identifier (traits, computed traits, segments,
 * consent, merges, recent events), GDPR subject access and erasure, and consent choices.
 */
final class ProfileRoutes {
  private final Store store;
  private final Clock clock;
  private final ProfileLifecycle lifecycle;

  ProfileRoutes(Store store, Clock clock, ProfileLifecycle lifecycle) {
    this.store = store;
    this.clock = clock;
    this.lifecycle = lifecycle;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/profiles/{id}", Route.Access.ADMIN, "A profile by id, or by identifier with ?by=email: traits, computed traits, segments, recent events", null, this::profile),
        new Route("DELETE", "/admin/profiles/{id}", Route.Access.ADMIN,
            "GDPR erasure of a person (by id, or every holder of ?by=email) with every profile merged with it: profiles, identifiers, events"
                + " (also under their anonymous ids), order lines, consents, membership history, scores; queued webhook deliveries about them are dropped;"
                + " the database file is rewritten", null, this::erase),
        new Route("GET", "/admin/profiles/{id}/export", Route.Access.ADMIN,
            "GDPR subject access: everything held about a person (by id, or ?by=email) as one JSON document", null, this::subjectAccess),
        new Route("PUT", "/admin/profiles/{id}/consent", Route.Access.ADMIN,
            "Record consent choices, e.g. {\"email_marketing\": true, \"advertising\": false}", "purpose → granted", this::consent));
  }

  private Segments segments() {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
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

  /**
   * Erasure of a person: the profile named (by id, or every profile holding the identifier with {@code ?by=}) and
   * every profile merged with it either way ({@link MergeClosure}), then nothing about them is left to decide,
   * personalize or deliver: the profile lifecycle tells the real-time feed, the decision API and the webhook queues
   * ({@link ProfileEvent.Erased}) before the rows go (so nothing is written back after) and again after (so nothing
   * read meanwhile stays).
   */
  private void erase(Context ctx) {
    String by = ctx.queryParam("by");
    // Everything in memory that holds the person (the real-time feed, the decision API, the webhook queues) hears
    // of the erasure through the lifecycle, before the rows go and again after (Erasures).
    Erasures erasures = new Erasures(store.profiles(), store.identities(), List.of((person, anonymous) -> lifecycle.publish(new ProfileEvent.Erased(person, anonymous))));
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
    lifecycle.publish(new ProfileEvent.ConsentChanged(id, choices));
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
}
