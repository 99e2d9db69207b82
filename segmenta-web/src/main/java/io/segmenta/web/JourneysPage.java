package io.segmenta.web;

import io.javalin.http.HttpStatus;
import io.segmenta.core.UserException;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyCheck;
import io.segmenta.core.journey.JourneyReport;
import io.segmenta.core.journey.Step;
import io.segmenta.core.journey.Trigger;
import io.segmenta.core.journey.json.JourneyTemplates;
import io.segmenta.core.segment.Segments;
import io.segmenta.stats.TestResult;
import io.segmenta.web.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Journeys (issue 16 in the app): the list with each journey's state and counts; one journey's page with its steps as
 * a flow (each step with what it does, where it leads, and how many were sent, skipped by reason, or moved on there),
 * entered, in progress, sent, goal and net revenue after entry ({@link JourneyReport}), and, when it holds people out,
 * the lift against the holdout with 95 % intervals; activate and pause for marketers (activation checks the journey
 * again with {@link JourneyCheck}, as the API does); and a new journey from the built-in templates
 * ({@link JourneyTemplates}), saved paused with the segments it needs, so it runs only once someone activates it.
 * A marketer can look one person up and see their path ({@link JourneyPath}); the rest is not personal: viewers see the
 * same page without the buttons and the lookup.
 */
final class JourneysPage {
  static final Duration WINDOW = Duration.ofDays(30);

  private JourneysPage() {}

  static Map<String, Object> list(Visit v) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Journey j : v.store().journeyDefinitions().all()) {
      Map<String, Long> counts = v.store().journeyLog().counts(j.key());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("key", j.key());
      r.put("href", "/journeys/" + SegmentPage.enc(j.key()));
      r.put("description", j.description());
      r.put("version", j.version());
      r.put("state", state(v, j));
      r.put("trigger", trigger(j.trigger()));
      r.put("steps", j.steps().size());
      r.put("entered", Numbers.count(sum(counts, "entered")));
      r.put("sent", Numbers.count(sum(counts, "sent")));
      r.put("skipped", Numbers.count(sum(counts, "skipped")));
      r.put("goal", Numbers.count(sum(counts, "goal")));
      rows.add(r);
    }
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Journeys");
    m.put("journeys", rows);
    m.put("canEdit", v.user().role().atLeast(Role.MARKETER));
    List<Map<String, String>> templates = new ArrayList<>();
    for (String k : JourneyTemplates.KEYS) {
      boolean exists = v.store().journeyDefinitions().find(k).isPresent();
      templates.add(Map.of("key", k, "description", JourneyTemplates.journey(k).description(), "exists", exists ? "yes" : ""));
    }
    m.put("templates", templates);
    return m;
  }

  /** Records of the journey's counts ("step/outcome" or "step/skipped (reason)") whose outcome is {@code outcome}. */
  private static long sum(Map<String, Long> counts, String outcome) {
    long n = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      String o = outcome(e.getKey());
      if (o.equals(outcome) || o.startsWith(outcome + " ")) {
        n += e.getValue();
      }
    }
    return n;
  }

  private static String outcome(String countKey) {
    int slash = countKey.indexOf('/');
    return slash < 0 ? countKey : countKey.substring(slash + 1);
  }

  static Journey journey(Visit v) {
    String key = v.ctx().pathParam("key");
    return v.store().journeyDefinitions().find(key).orElseThrow(() -> new UserException("there is no journey named '" + key + "'"));
  }

  static Map<String, Object> page(Visit v) {
    Journey j = journey(v);
    Duration window = window(v.ctx().queryParam("window"));
    JourneyReport.Report r = JourneyReport.of(j, v.store().journeyLog(), window);
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Journey " + j.key());
    m.put("key", j.key());
    m.put("description", j.description());
    m.put("version", j.version());
    m.put("state", state(v, j));
    m.put("paused", v.store().journeyLog().paused(j.key()));
    m.put("canEdit", v.user().role().atLeast(Role.MARKETER));
    m.put("base", "/journeys/" + SegmentPage.enc(j.key()));
    m.put("trigger", trigger(j.trigger()));
    m.put("goalRule", j.goal() == null ? "" : j.goal());
    m.put("exits", j.exits());
    m.put("reentry", j.reentry().mode().name().toLowerCase(Locale.ROOT) + (j.reentry().after() == null ? "" : " " + words(j.reentry().after())));
    m.put("window", words(window));
    m.put("windowValue", iso(window));
    m.put("entered", Numbers.count(r.entered()));
    m.put("inProgress", Numbers.count(r.inProgress()));
    m.put("sent", Numbers.count(r.sent()));
    m.put("goal", Numbers.count(r.goal()));
    m.put("heldOut", Numbers.count(r.heldOut()));
    m.put("revenue", Numbers.money(r.revenue()));
    m.put("flow", flow(j, r.steps()));
    m.putAll(JourneyPath.of(v, j));
    List<Map<String, String>> skips = new ArrayList<>();
    for (Map.Entry<String, Long> e : r.steps().entrySet()) {
      String o = outcome(e.getKey());
      if (o.startsWith("skipped")) {
        String reason = o.substring("skipped".length()).trim().replaceAll("^\\(|\\)$", "");
        skips.add(Map.of("step", e.getKey().substring(0, e.getKey().indexOf('/')), "reason", reason.isBlank() ? "no reason recorded" : reason,
            "count", Numbers.count(e.getValue())));
      }
    }
    m.put("skips", skips);
    m.put("holdout", r.conversion() != null);
    if (r.conversion() != null) {
      m.put("holdoutPercent", r.holdoutPercent());
      m.put("arms", List.of(arm("Treated", r.treatment()), arm("Held out", r.holdout())));
      m.put("lifts", List.of(lift("Conversion (an order within the window), absolute", r.conversion().absolute(), true, false),
          lift("Conversion, relative", r.conversion().relative(), true, true),
          lift("Net revenue per entry, absolute", r.revenuePerEntry().absolute(), false, false),
          lift("Net revenue per entry, relative", r.revenuePerEntry().relative(), false, true)));
    }
    return m;
  }

  /** The {@code ?window=} of the measures: an ISO-8601 duration of 1 to 366 days, 30 days by default. */
  static Duration window(String w) {
    if (w == null || w.isBlank()) {
      return WINDOW;
    }
    Duration d;
    try {
      d = Duration.parse(w.trim());
    } catch (DateTimeParseException e) {
      throw new UserException("window must be an ISO-8601 duration such as P30D, got '" + w + "'");
    }
    if (d.compareTo(Duration.ofDays(1)) < 0 || d.compareTo(Duration.ofDays(366)) > 0) {
      throw new UserException("window must be between 1 and 366 days, got '" + w + "'");
    }
    return d;
  }

  /** A duration as people say it: "14 days", "2 hours", "90 minutes", else its ISO-8601 form. */
  static String words(Duration d) {
    if (d.toSeconds() % 86_400 == 0) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    } else if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    } else if (d.toSeconds() % 60 == 0) {
      return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
    }
    return d.toString();
  }

  /** A duration in ISO-8601 with whole days as days (P30D rather than Java's PT720H), as the window field takes it. */
  static String iso(Duration d) {
    return d.toSeconds() % 86_400 == 0 ? "P" + d.toDays() + "D" : d.toString();
  }

  private static Map<String, String> arm(String label, JourneyReport.Arm a) {
    return Map.of("label", label, "entries", Numbers.count(a.entries()), "converted", Numbers.count(a.converted()),
        "rate", Numbers.percent(a.conversionRate()), "perEntry", Numbers.money(a.revenuePerEntry()));
  }

  private static Map<String, String> lift(String label, TestResult t, boolean share, boolean relative) {
    if (!t.ok()) {
      return Map.of("label", label, "estimate", "–", "interval", t.diagnostic(), "p", "–");
    }
    return Map.of("label", label, "estimate", format(t.estimate(), share, relative),
        "interval", format(t.ciLow(), share, relative) + " to " + format(t.ciHigh(), share, relative), "p", String.format(Locale.ROOT, "%.3f", t.pValue()));
  }

  private static String format(double x, boolean share, boolean relative) {
    if (relative || share) {
      return String.format(Locale.ROOT, "%+.1f%s", 100 * x, relative ? " %" : " points");
    }
    return (x >= 0 ? "+" : "") + Numbers.money(x);
  }

  /**
   * The steps in order as a flow: what each does, where it leads, and its counts by outcome (skips with their reason),
   * from the journey log's records.
   */
  private static List<Map<String, Object>> flow(Journey j, Map<String, Long> counts) {
    Map<String, Map<String, Long>> byStep = new TreeMap<>();
    counts.forEach((k, n) -> {
      int slash = k.indexOf('/');
      if (slash > 0) {
        byStep.computeIfAbsent(k.substring(0, slash), x -> new TreeMap<>()).merge(k.substring(slash + 1), n, Long::sum);
      }
    });
    List<Map<String, Object>> out = new ArrayList<>();
    for (Step s : j.steps()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("id", s.id());
      f.put("kind", kind(s));
      f.put("does", does(s));
      f.put("next", String.join(", ", s.next()));
      f.put("ends", s.next().isEmpty());
      List<Map<String, String>> outcomes = new ArrayList<>();
      byStep.getOrDefault(s.id(), Map.of()).forEach((o, n) -> outcomes.add(Map.of("outcome", o, "count", Numbers.count(n))));
      f.put("outcomes", outcomes);
      out.add(f);
    }
    return out;
  }

  static String kind(Step s) {
    if (s instanceof Step.Wait) {
      return "wait";
    } else if (s instanceof Step.WaitUntil) {
      return "wait until a time of day";
    } else if (s instanceof Step.WaitForDate) {
      return "wait until a date";
    } else if (s instanceof Step.WaitFor) {
      return "wait for a rule";
    } else if (s instanceof Step.Branch) {
      return "branch";
    } else if (s instanceof Step.Split) {
      return "random split";
    } else if (s instanceof Step.SendEmail) {
      return "send an e-mail";
    } else if (s instanceof Step.Webhook) {
      return "call a webhook";
    } else if (s instanceof Step.SetTraits) {
      return "set traits";
    }
    return "exit";
  }

  private static String does(Step s) {
    if (s instanceof Step.Wait w) {
      return "waits " + words(w.duration());
    } else if (s instanceof Step.WaitUntil w) {
      return "until " + w.time() + " in the person's time zone";
    } else if (s instanceof Step.WaitForDate w) {
      return "until the date in " + w.trait() + " at " + w.at();
    } else if (s instanceof Step.WaitFor w) {
      return "until " + w.rule() + " (then " + w.yes() + "), at most " + w.timeout() + " (then " + w.no() + ")";
    } else if (s instanceof Step.Branch b) {
      return "if " + b.rule() + " then " + b.yes() + ", else " + b.no();
    } else if (s instanceof Step.Split x) {
      return x.holdoutPercent() + " % held out (they receive nothing more), the others go on";
    } else if (s instanceof Step.SendEmail e) {
      return "template " + e.template();
    } else if (s instanceof Step.Webhook w) {
      return "POST to " + w.url().getHost();
    } else if (s instanceof Step.SetTraits t) {
      return "sets " + String.join(", ", new TreeMap<>(t.traits()).keySet());
    }
    return "ends the journey";
  }

  static String trigger(Trigger t) {
    if (t instanceof Trigger.OnEvent e) {
      return "event " + e.eventType() + (e.where().isEmpty() ? "" : " where " + new TreeMap<>(e.where()));
    } else if (t instanceof Trigger.OnSegment s) {
      return (s.entering() ? "entering" : "leaving") + " segment " + s.segment();
    } else if (t instanceof Trigger.OnDate d) {
      return "every year on " + d.trait() + " at " + d.at();
    } else if (t instanceof Trigger.OnSchedule s) {
      return "everyone in segment " + s.segment() + ", every " + words(s.every());
    }
    return t.toString();
  }

  private static String state(Visit v, Journey j) {
    return v.store().journeyLog().paused(j.key()) ? "paused" : "active";
  }

  /** Activates a journey after checking it again (the same check and messages as the API and the CLI). */
  static String activate(Visit v) {
    Journey j = journey(v);
    List<String> problems = checker(v).problems(j);
    if (!problems.isEmpty()) {
      throw new UserException("journey '" + j.key() + "' has " + problems.size() + " problem(s): " + String.join("; ", problems));
    }
    v.store().journeyLog().pause(j.key(), false);
    return "journey " + j.key() + " is active: it takes entries and runs its steps";
  }

  static String pause(Visit v) {
    Journey j = journey(v);
    v.store().journeyLog().pause(j.key(), true);
    return "journey " + j.key() + " is paused: no entries, no steps; people in it wait where they are";
  }

  /**
   * Creates a journey from a built-in template: the segments it needs are saved when missing (as {@code segmenta journey
   * templates --install} does), the journey is checked, then saved paused.
   */
  static String create(Visit v) {
    String key = v.ctx().formParam("template");
    if (key == null || !JourneyTemplates.KEYS.contains(key)) {
      throw new UserException("template must be one of " + String.join(", ", JourneyTemplates.KEYS) + ", got '" + key + "'");
    }
    if (v.store().journeyDefinitions().find(key).isPresent()) {
      throw new UserException("a journey named '" + key + "' exists already");
    }
    Segments segments = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
    Journey j = JourneyTemplates.journey(key);
    List<String> saved = new ArrayList<>();
    for (Map.Entry<String, String> e : JourneyTemplates.SEGMENTS.entrySet()) {
      if (v.store().segmentDefinitions().find(e.getKey()).isEmpty()) {
        segments.save(e.getKey(), e.getValue(), "needed by the built-in journeys");
        saved.add(e.getKey());
      }
    }
    List<String> problems = checker(v).problems(j);
    if (!problems.isEmpty()) {
      throw new UserException("template '" + key + "' has " + problems.size() + " problem(s) in this store: " + String.join("; ", problems));
    }
    v.store().journeyLog().pause(key, true);
    v.store().journeyDefinitions().save(j.savedOver(v.store().journeyDefinitions().find(key)));
    v.ctx().redirect("/journeys/" + SegmentPage.enc(key), HttpStatus.SEE_OTHER);
    return "created journey " + key + (saved.isEmpty() ? "" : " and saved the segments " + String.join(", ", saved)) + "; it is paused until activated";
  }

  private static JourneyCheck checker(Visit v) {
    return new JourneyCheck(v.store().catalog().schema(), new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(),
        Clock.systemUTC()), v.store().segmentDefinitions());
  }
}
