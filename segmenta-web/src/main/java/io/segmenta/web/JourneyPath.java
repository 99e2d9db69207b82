package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One person's path through a journey, on the journey's page ({@code ?profile=ID}): each entry with when it began, every
 * step taken there with its outcome and reason (skips say why), and where the person is now (the step a running entry
 * waits at and when it is due, or how the last entry ended). Read from the journey log ({@link JourneyLog#runs} and
 * {@link JourneyLog#history}), never written. A person's path is personal: a viewer is offered no lookup.
 */
final class JourneyPath {
  private JourneyPath() {}

  /** The page's {@code person} model for {@code ?profile=}, or nothing when no profile was asked for or the visitor is a viewer. */
  static Map<String, Object> of(Visit v, Journey j) {
    String id = v.ctx().queryParam("profile");
    Map<String, Object> m = new HashMap<>();
    m.put("profile", "");
    m.put("person", Map.of());
    if (id == null || id.isBlank() || Masking.of(v).masked()) {
      return m;
    }
    id = id.trim();
    if (id.length() > 200) {
      throw new UserException("profile must be a profile id of at most 200 characters, got " + id.length());
    }
    m.put("profile", id);
    JourneyLog log = v.store().journeyLog();
    List<JourneyLog.Run> runs = log.runs(j.key(), id);
    List<JourneyLog.StepRecord> records = log.history(j.key(), id);
    Map<String, Object> person = new LinkedHashMap<>();
    person.put("id", id);
    person.put("now", now(j, id, runs, records, v));
    List<Map<String, Object>> entries = new ArrayList<>();
    for (JourneyLog.Run r : runs) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("entry", r.entry());
      e.put("enteredAt", r.enteredAt().toString());
      e.put("version", r.version());
      e.put("state", r.dueAt() == null ? "ended" : "running");
      List<Map<String, String>> steps = new ArrayList<>();
      for (JourneyLog.StepRecord s : records) {
        if (s.entry() == r.entry()) {
          steps.add(Map.of("at", s.at().toString(), "step", s.step(), "outcome", s.outcome(), "reason", s.reason() == null ? "" : s.reason()));
        }
      }
      e.put("steps", steps);
      entries.add(e);
    }
    person.put("entries", entries);
    m.put("person", person);
    return m;
  }

  /** Where the person is now, in a sentence: at a step of their running entry, out after their last one, or never in. */
  private static String now(Journey j, String id, List<JourneyLog.Run> runs, List<JourneyLog.StepRecord> records, Visit v) {
    if (runs.isEmpty()) {
      return v.store().profiles().history(id).isPresent() ? "Never entered this journey." : "There is no profile '" + id + "' in the store.";
    }
    JourneyLog.Run last = runs.get(runs.size() - 1);
    String entry = runs.size() == 1 ? "" : " (entry " + last.entry() + " of " + runs.size() + ")";
    if (last.dueAt() != null) {
      return "In the journey" + entry + ": at step " + last.step() + " (" + kind(j, last.step()) + ") since " + last.since()
          + ", due " + last.dueAt() + ".";
    }
    JourneyLog.StepRecord end = null;
    for (JourneyLog.StepRecord s : records) {
      if (s.entry() == last.entry()) {
        end = s;
      }
    }
    return "Out of the journey" + entry + ": ended at step " + last.step()
        + (end == null ? "" : " (" + end.outcome() + (end.reason() == null ? "" : ": " + end.reason()) + ", " + end.at() + ")") + ".";
  }

  /** What the step does, in the words of the flow; a step the journey no longer has says so. */
  private static String kind(Journey j, String step) {
    for (Step s : j.steps()) {
      if (s.id().equals(step)) {
        return JourneysPage.kind(s);
      }
    }
    return "a step this version of the journey no longer has";
  }
}
