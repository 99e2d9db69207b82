package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import io.segmenta.core.why.Miss;
import io.segmenta.core.why.Trace;
import io.segmenta.core.why.Why;
import io.segmenta.web.auth.Role;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Profiles: search by any identifier; one profile with its identifiers, traits, computed traits, segments (each with
 * why, {@link WhyView}), a timeline of events, consent and merges; the admin's subject-access export and erasure
 * behind a confirmation ({@link Erasures}, as the API and the CLI erase). A viewer sees personal data masked:
 * identifiers, stored traits and event properties; what Segmenta computes is shown.
 */
final class ProfilesPage {
  /** The identifier kinds "any identifier" tries, after the profile id. */
  static final List<String> KINDS = List.of("email", "phone", "user_id", "anonymous_id", "customer_id");
  static final int TIMELINE = 100;

  private ProfilesPage() {}

  static boolean masked(Visit v) {
    return Masking.of(v).masked();
  }

  /** The search form and its results: ?q= a value, ?by= an identifier kind, "id", or empty for any. */
  static Map<String, Object> search(Visit v) {
    Map<String, Object> m = new HashMap<>();
    String q = Optional.ofNullable(v.ctx().queryParam("q")).orElse("").trim();
    String by = Optional.ofNullable(v.ctx().queryParam("by")).orElse("").trim().toLowerCase(Locale.ROOT);
    m.put("q", q);
    m.put("by", by);
    List<String> kinds = new ArrayList<>(KINDS);
    m.put("kinds", kinds);
    List<Map<String, Object>> found = new ArrayList<>();
    m.put("searched", !q.isEmpty());
    m.put("results", found);
    if (q.isEmpty()) {
      return m;
    }
    if (!by.isEmpty() && !by.equals("id") && !by.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new UserException("by must be id or an identifier kind such as email, got '" + by + "'");
    }
    Set<String> ids = new LinkedHashSet<>();
    if ((by.isEmpty() || by.equals("id")) && v.store().profiles().history(q).isPresent()) {
      ids.add(q);
    }
    for (String kind : by.isEmpty() ? kinds : by.equals("id") ? List.<String>of() : List.of(by)) {
      String value = kind.equals("email") ? q.toLowerCase(Locale.ROOT) : q;
      ids.addAll(v.store().identities().holders(kind, value));
    }
    for (String id : ids) {
      v.store().profiles().history(id).ifPresent(h -> {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("identifiers", identifiers(h, masked(v)));
        row.put("events", Numbers.count(h.events().size()));
        found.add(row);
      });
    }
    return m;
  }

  /** One profile, at /profiles/{id}. */
  static Map<String, Object> profile(Visit v) {
    ProfileHistory h = history(v);
    boolean mask = masked(v);
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Profile " + h.profile().id());
    m.put("id", h.profile().id());
    m.put("masked", mask);
    m.put("admin", v.user().role().atLeast(Role.ADMIN));
    m.put("identifiers", identifiers(h, mask));
    List<Map<String, Object>> traits = new ArrayList<>();
    var schema = v.store().catalog().schema();
    h.profile().traits().forEach((name, value) -> {
      Optional<TraitDef> def = schema.trait(name);
      Family family = def.map(TraitDef::family).orElse(Family.CUSTOM);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", name);
      row.put("family", family.label());
      row.put("value", mask ? Masking.MASK : RuleText.print(value));
      traits.add(row);
    });
    m.put("traits", traits);
    Segments segments = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
    Evaluator ev = Evaluator.strict(v.asOf(), segments.resolver());
    List<Map<String, Object>> computed = new ArrayList<>();
    ComputedTraits.all().forEach((name, measure) -> {
      Value val = ev.measure(measure, h);
      computed.add(Map.of("name", name, "value", val.isNull() ? "–" : RuleText.print(val), "definition", RuleText.print(measure)));
    });
    m.put("computed", computed);
    Why why = new Why(ev, segments.resolver());
    List<Map<String, Object>> member = new ArrayList<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      Trace t = why.explain(d.name(), RuleText.parseRule(d.rule()), h);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", d.name());
      row.put("member", t.member());
      row.put("reason", WhyView.summary(t, mask));
      member.add(row);
    }
    member.sort(Comparator.comparing((Map<String, Object> r) -> !(Boolean) r.get("member")).thenComparing(r -> (String) r.get("name")));
    m.put("segments", member);
    List<Event> events = new ArrayList<>(h.events());
    events.sort(Comparator.comparing(Event::timestamp).reversed());
    List<Map<String, Object>> timeline = new ArrayList<>();
    for (Event e : events.subList(0, Math.min(TIMELINE, events.size()))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("at", e.timestamp().toString());
      row.put("type", e.type());
      StringBuilder props = new StringBuilder();
      e.properties().forEach((k, val) -> props.append(props.length() == 0 ? "" : ", ").append(k).append(" = ").append(mask ? Masking.MASK : RuleText.print(val)));
      row.put("properties", props.toString());
      row.put("lines", e.lines().size());
      timeline.add(row);
    }
    m.put("timeline", timeline);
    m.put("eventCount", Numbers.count(h.events().size()));
    List<ConsentRecord> consents = v.store().consent().consents(h.profile().id());
    List<Map<String, Object>> allowed = new ArrayList<>();
    ConsentPolicy.allowedAll(consents).forEach((p, ok) -> allowed.add(Map.of("purpose", p.label(), "allowed", ok)));
    m.put("consent", allowed);
    List<Map<String, Object>> choices = new ArrayList<>();
    for (ConsentRecord c : consents) {
      choices.add(Map.of("purpose", c.purpose().label(), "granted", c.granted(), "at", c.at().toString(), "source", c.source()));
    }
    m.put("choices", choices);
    List<Map<String, Object>> merges = new ArrayList<>();
    for (MergeRecord r : v.store().identities().merges(h.profile().id())) {
      merges.add(Map.of("survivor", r.survivorId(), "merged", r.mergedId(), "at", r.at().toString(), "reason", r.reason(), "applied", r.applied(),
          "identifiers", r.identifiers().stream().map(i -> i.kind() + ":" + (mask ? Masking.MASK : i.value())).toList()));
    }
    m.put("merges", merges);
    return m;
  }

  /** Why the profile is in or out of one segment, at /profiles/{id}/why/{segment}. */
  static Map<String, Object> why(Visit v) {
    ProfileHistory h = history(v);
    String name = v.ctx().pathParam("segment");
    Segments segments = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
    SegmentDefinition d = v.store().segmentDefinitions().find(name).orElseThrow(() -> segments.unknownSegment(name));
    Trace t = Why.at(v.asOf(), segments.resolver()).explain(d.name(), RuleText.parseRule(d.rule()), h);
    Map<String, Object> m = new HashMap<>(WhyView.model(t, masked(v)));
    m.put("title", "Why " + h.profile().id() + " is " + (t.member() ? "in " : "out of ") + d.name());
    m.put("id", h.profile().id());
    m.put("rule", d.rule());
    return m;
  }

  /** The erasure's confirmation, at /profiles/{id}/erase (admins only); after the erasure, what was erased. */
  static Map<String, Object> confirmErase(Visit v) {
    String id = v.ctx().pathParam("id");
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Erase profile " + id);
    m.put("id", id);
    Optional<ProfileHistory> h = v.store().profiles().history(id);
    m.put("exists", h.isPresent());
    m.put("identifiers", h.map(x -> identifiers(x, false)).orElse(List.of()));
    m.put("events", Numbers.count(h.map(x -> x.events().size()).orElse(0)));
    return m;
  }

  /** Erases the person (every profile merged with them), as {@code DELETE /admin/profiles/{id}} does. */
  static String erase(Visit v) {
    String id = v.ctx().pathParam("id");
    String typed = Optional.ofNullable(v.ctx().formParam("confirm")).orElse("").trim();
    if (!typed.equals(id)) {
      throw new UserException("confirm: type the profile id '" + id + "' to erase it, got '" + typed + "'");
    }
    Erasures erasures = new Erasures(v.store().profiles(), v.store().identities(), List.of(v.erased()));
    Erasures.Outcome o = erasures.erase(id, null);
    return "erased " + o.profileIds().size() + " profile(s) of this person: " + o.erasure().events() + " events, "
        + o.erasure().orderLines() + " order lines, " + o.erasure().identifiers() + " identifiers";
  }

  private static ProfileHistory history(Visit v) {
    String id = v.ctx().pathParam("id");
    return v.store().profiles().history(id).orElseThrow(() -> new UserException("there is no profile with id '" + id + "'"));
  }

  static List<String> identifiers(ProfileHistory h, boolean mask) {
    List<String> out = new ArrayList<>();
    for (Identifier i : h.profile().identifiers()) {
      out.add(i.kind() + ": " + (mask ? Masking.MASK : i.value()));
    }
    return out;
  }

  /** Every purpose's label, for the consent table's header. */
  static List<String> purposes() {
    List<String> out = new ArrayList<>();
    for (Purpose p : Purpose.values()) {
      out.add(p.label());
    }
    return out;
  }
}
