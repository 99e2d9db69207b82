package io.segmenta.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.json.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;

/**
 * GDPR subject access (art. 15) from the profile page: everything held about the profile as one JSON document, the
 * same parts as {@code GET /admin/profiles/{id}/export} (identifiers and traits, computed traits, segments, consent
 * history, merges, every event), downloaded as {@code subject-access-<id>.json}.
 */
final class ProfileExport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProfileExport() {}

  static Download.File make(Visit v) {
    String id = v.ctx().pathParam("id");
    ProfileHistory h = v.store().profiles().history(id).orElseThrow(() -> new UserException("there is no profile with id '" + id + "'"));
    Segments segments = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
    Evaluator ev = Evaluator.strict(v.asOf(), segments.resolver());
    ObjectNode o = JSON.createObjectNode().put("id", id).put("asOf", v.asOf().toString()).put("exportedAt", Clock.systemUTC().instant().toString());
    o.put("note", "Everything Segmenta holds about this person: identifiers, traits, computed traits, segments, consent history, merges and every event.");
    o.set("profile", tree(Importer.toJsonLine(h.profile())));
    ObjectNode computed = o.putObject("computedTraits");
    ComputedTraits.all().forEach((name, m) -> computed.set(name, JsonValues.toJson(ev.measure(m, h))));
    ArrayNode member = o.putArray("segments");
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      if (ev.matches(RuleText.parseRule(d.rule()), h)) {
        member.add(d.name());
      }
    }
    List<ConsentRecord> consents = v.store().consent().consents(id);
    ObjectNode allowed = o.putObject("consent");
    ConsentPolicy.allowedAll(consents).forEach((p, ok) -> allowed.put(p.label(), ok));
    ArrayNode history = o.putArray("consentHistory");
    consents.forEach(c -> history.addObject().put("purpose", c.purpose().label()).put("granted", c.granted()).put("at", c.at().toString()).put("source", c.source()));
    ArrayNode merges = o.putArray("merges");
    for (MergeRecord m : v.store().identities().merges(id)) {
      ObjectNode x = merges.addObject().put("survivor", m.survivorId()).put("merged", m.mergedId()).put("at", m.at().toString())
          .put("reason", m.reason()).put("applied", m.applied());
      ArrayNode moved = x.putArray("identifiers");
      m.identifiers().forEach(i -> moved.add(i.kind() + ":" + i.value()));
    }
    ArrayNode events = o.putArray("events");
    h.events().stream().sorted(Comparator.comparing(Event::timestamp)).forEach(e -> events.add(tree(Importer.toJsonLine(e))));
    try {
      byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
      return new Download.File("subject-access-" + id.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json", "application/json", bytes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the export did not print as JSON", e);
    }
  }

  private static JsonNode tree(String line) {
    try {
      return JSON.readTree(line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("a stored row did not print as JSON", e);
    }
  }
}
