package io.segmenta.web;

import io.javalin.http.HttpStatus;
import io.segmenta.core.UserException;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Run;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.store.Store;
import io.segmenta.server.DestinationSyncs;
import io.segmenta.web.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audiences (issue 17 in the app): the destinations (segments synced to channels) with their consent purpose and last
 * run (added, removed, failed and why); one destination's run history; adding one through a form whose mistakes show
 * beside their fields; and a dry run (counts and examples, nothing sent) or a sync now, each a background
 * {@link Jobs} job through the same {@link Syncs} the CLI and the admin API use (consent per purpose, the diff against
 * the last sync, retries). Example members of a dry run are personal: viewers see them masked ({@link Masking}).
 */
final class DestinationsPage {
  static final int RUNS = 50;
  private static final AtomicLong RUN_NUMBER = new AtomicLong();
  /**
   * One {@link Syncs} per store: the server's own ({@link #use}), so a run started here waits for the server's scheduled
   * run of the same destination (two at once would both add the same entries to the kept state); else one of the app's.
   */
  private static final Map<Store, Syncs> SYNCS = Collections.synchronizedMap(new WeakHashMap<>());
  /** The settings a form offers: every kind's, in the kinds' order, and the calling code the ad platforms may use. */
  static final List<String> SETTINGS;

  static {
    Set<String> s = new LinkedHashSet<>();
    for (Destination.Kind k : Destination.Kind.values()) {
      s.addAll(k.required);
    }
    s.add("default_calling_code");
    SETTINGS = List.copyOf(s);
  }

  private DestinationsPage() {}

  /** Runs from the app go through the server's syncs of {@code store}. */
  static void use(Store store, Syncs syncs) {
    SYNCS.put(store, syncs);
  }

  static Map<String, Object> list(Visit v) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Destination d : v.store().destinationDefinitions().all()) {
      Map<String, Object> r = describe(d);
      List<Run> last = v.store().destinationRuns().runs(d.key(), 1);
      r.put("ran", !last.isEmpty());
      if (!last.isEmpty()) {
        r.put("last", run(last.get(0), Masking.of(v)));
      }
      rows.add(r);
    }
    Map<String, Object> m = new HashMap<>();
    m.put("destinations", rows);
    m.put("canEdit", v.user().role().atLeast(Role.MARKETER));
    return m;
  }

  private static Map<String, Object> describe(Destination d) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("key", d.key());
    r.put("href", "/destinations/" + SegmentPage.enc(d.key()));
    r.put("segment", d.segment());
    r.put("segmentHref", "/segments/" + SegmentPage.enc(d.segment()));
    r.put("kind", d.kind().label());
    r.put("purpose", d.purpose().label().replace('_', ' '));
    r.put("exclusion", d.exclusion());
    r.put("schedule", (d.every() == null ? "on demand" : "every " + JourneysPage.words(d.every())) + (d.onChange() ? ", and on each change" : ""));
    r.put("campaign", d.campaign() == null ? "" : d.campaign());
    return r;
  }

  private static Map<String, Object> run(Run r, Masking mask) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("started", r.startedAt().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC"));
    m.put("seconds", String.format(Locale.ROOT, "%.1f", Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0));
    m.put("status", r.status() == Run.Status.DRY_RUN ? "dry run" : r.status().name().toLowerCase(Locale.ROOT));
    m.put("failedRun", r.status() == Run.Status.FAILED);
    m.put("members", Numbers.count(r.members()));
    m.put("added", Numbers.count(r.added()));
    m.put("removed", Numbers.count(r.removed()));
    m.put("failed", Numbers.count(r.failed()));
    m.put("reason", r.reason() == null ? "" : r.reason());
    m.put("attempts", r.attempts());
    m.put("addExamples", r.addExamples().stream().map(mask::personal).toList());
    m.put("removeExamples", r.removeExamples().stream().map(mask::personal).toList());
    return m;
  }

  static Destination destination(Visit v) {
    String key = v.ctx().pathParam("key");
    return v.store().destinationDefinitions().find(key).orElseThrow(() -> new UserException("there is no destination named '" + key + "'"));
  }

  static Map<String, Object> page(Visit v) {
    Destination d = destination(v);
    Masking mask = Masking.of(v);
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Destination " + d.key());
    m.put("d", describe(d));
    List<Map<String, String>> settings = new ArrayList<>();
    d.settings().forEach((k, x) -> settings.add(Map.of("name", k, "value", x)));
    m.put("settings", settings);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Run r : v.store().destinationRuns().runs(d.key(), RUNS)) {
      runs.add(run(r, mask));
    }
    m.put("runs", runs);
    m.put("canRun", v.user().role().atLeast(Role.MARKETER));
    m.put("base", "/destinations/" + SegmentPage.enc(d.key()));
    Optional<Jobs.Job> job = v.services().jobs().latest(owner(d.key()));
    m.put("started", job.isPresent());
    m.put("job", job.map(Jobs.Job::view).orElse(Map.of()));
    m.put("jobRun", job.flatMap(Jobs.Job::result).map(x -> run((Run) x, mask)).orElse(Map.of()));
    return m;
  }

  private static String owner(String key) {
    return "destination|" + key;
  }

  /** A dry run in the background: what a sync would add and remove now, with examples; nothing is sent. */
  static String dryRun(Visit v) {
    return start(v, true);
  }

  /** A sync now in the background: the adds and removes since the last sync go to the channel. */
  static String sync(Visit v) {
    return start(v, false);
  }

  private static String start(Visit v, boolean dry) {
    Destination d = destination(v);
    Optional<Jobs.Job> running = v.services().jobs().latest(owner(d.key())).filter(j -> !j.done());
    if (running.isPresent()) {
      throw new UserException("destination " + d.key() + " is already being synced; wait for that run to finish");
    }
    Syncs syncs = SYNCS.computeIfAbsent(v.store(), s -> DestinationSyncs.of(s, Clock.systemUTC(), null));
    String key = owner(d.key()) + "|" + RUN_NUMBER.incrementAndGet();
    v.services().jobs().start(key, (dry ? "dry run of " : "syncing ") + d.key(), p -> {
      p.step(dry ? "reading the members and diffing against the last sync" : "reading, diffing and sending to the " + d.kind().label() + " channel");
      return syncs.sync(d, dry);
    });
    v.services().jobs().remember(owner(d.key()), key);
    return (dry ? "dry run of " : "sync of ") + d.key() + " started; its result appears below when ready";
  }

  static Map<String, Object> form(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Add a destination");
    List<String> segments = v.store().segmentDefinitions().all().stream().map(SegmentDefinition::name).toList();
    m.put("segments", segments);
    List<Map<String, String>> kinds = new ArrayList<>();
    for (Destination.Kind k : Destination.Kind.values()) {
      kinds.add(Map.of("label", k.label(), "purpose", k.purpose == null ? "the purpose you choose" : k.purpose.label().replace('_', ' '),
          "needs", String.join(", ", k.required)));
    }
    m.put("kinds", kinds);
    List<String> purposes = new ArrayList<>();
    for (Purpose p : Purpose.values()) {
      purposes.add(p.label());
    }
    m.put("purposes", purposes);
    @SuppressWarnings("unchecked")
    Map<String, String> errors = (Map<String, String>) Optional.ofNullable(v.ctx().attribute("fieldErrors")).orElse(Map.of());
    @SuppressWarnings("unchecked")
    Map<String, String> values = (Map<String, String>) Optional.ofNullable(v.ctx().attribute("formValues")).orElse(Map.of());
    Map<String, String> shownErrors = new HashMap<>();
    Map<String, String> shownValues = new HashMap<>();
    for (String f : List.of("form", "key", "segment", "kind", "purpose", "every", "exclusion", "on_change")) {
      shownErrors.put(f, errors.getOrDefault(f, ""));
      shownValues.put(f, values.getOrDefault(f, ""));
    }
    m.put("errors", shownErrors);
    m.put("values", shownValues);
    List<Map<String, String>> settings = new ArrayList<>();
    for (String s : SETTINGS) {
      List<String> by = new ArrayList<>();
      for (Destination.Kind k : Destination.Kind.values()) {
        if (k.required.contains(s)) {
          by.add(k.label());
        }
      }
      settings.add(Map.of("name", s, "field", "setting_" + s, "needed", by.isEmpty() ? "optional" : "needed by " + String.join(", ", by),
          "value", values.getOrDefault("setting_" + s, ""), "error", errors.getOrDefault("setting_" + s, "")));
    }
    m.put("settingFields", settings);
    return m;
  }

  /**
   * Adds a destination from the form: every field is checked and each mistake is shown beside its field (the same
   * rules as {@link Destination}'s, with the same words); a saved destination opens its page.
   */
  static String add(Visit v) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String f : List.of("key", "segment", "kind", "purpose", "every", "exclusion", "on_change")) {
      values.put(f, Optional.ofNullable(v.ctx().formParam(f)).orElse("").trim());
    }
    for (String s : SETTINGS) {
      values.put("setting_" + s, Optional.ofNullable(v.ctx().formParam("setting_" + s)).orElse("").trim());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    String key = values.get("key");
    if (!key.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
      errors.put("key", "destination key must be lower-case letters, digits, '_' or '-', got '" + key + "'");
    } else if (v.store().destinationDefinitions().find(key).isPresent()) {
      errors.put("key", "a destination named '" + key + "' exists already");
    }
    String segment = values.get("segment");
    if (segment.isEmpty()) {
      errors.put("segment", "choose the segment to sync");
    } else if (v.store().segmentDefinitions().find(segment).isEmpty()) {
      errors.put("segment", "there is no saved segment '" + segment + "'");
    }
    Destination.Kind kind = null;
    try {
      kind = Destination.Kind.parse(values.get("kind"));
    } catch (UserException e) {
      errors.put("kind", e.getMessage());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    if (kind != null) {
      for (String s : SETTINGS) {
        String x = values.get("setting_" + s);
        if (kind.required.contains(s) && x.isEmpty()) {
          errors.put("setting_" + s, "a " + kind.label() + " destination needs the setting '" + s + "'");
        } else if (!x.isEmpty() && (kind.required.contains(s) || s.equals("default_calling_code"))) {
          settings.put(s, x);
        }
      }
      if (kind == Destination.Kind.FILE && !settings.getOrDefault("format", "").isEmpty()
          && !List.of("csv", "jsonl", "parquet").contains(settings.get("format"))) {
        errors.put("setting_format", "format must be csv, jsonl or parquet, got '" + settings.get("format") + "'");
      }
    }
    Purpose purpose = null;
    if (!values.get("purpose").isEmpty()) {
      try {
        purpose = Purpose.parse(values.get("purpose"));
        if (kind != null && kind.purpose != null && purpose != kind.purpose) {
          errors.put("purpose", "a " + kind.label() + " destination is for " + kind.purpose.label() + ", not " + purpose.label());
        }
      } catch (RuntimeException e) {
        errors.put("purpose", "purpose must be one of analytics, personalization, email_marketing, advertising, got '" + values.get("purpose") + "'");
      }
    }
    Duration every = null;
    if (!values.get("every").isEmpty()) {
      try {
        every = Duration.parse(values.get("every"));
        if (every.compareTo(Duration.ofMinutes(1)) < 0) {
          errors.put("every", "every must be at least 1 minute, got " + values.get("every"));
        }
      } catch (DateTimeParseException e) {
        errors.put("every", "'every' must be an ISO-8601 duration such as PT6H, got '" + values.get("every") + "'");
      }
    }
    Destination d = null;
    if (errors.isEmpty()) {
      try {
        d = new Destination(key, segment, kind, settings, purpose, !values.get("exclusion").isEmpty(), every, !values.get("on_change").isEmpty(), null);
      } catch (UserException e) {
        errors.put("form", e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      v.ctx().attribute("fieldErrors", errors);
      v.ctx().attribute("formValues", values);
      throw new UserException("the destination was not saved: " + errors.size() + (errors.size() == 1 ? " field needs" : " fields need")
          + " attention (see below)");
    }
    v.store().destinationDefinitions().save(d);
    v.ctx().redirect("/destinations/" + SegmentPage.enc(d.key()), HttpStatus.SEE_OTHER);
    return "saved destination " + d.key();
  }
}
