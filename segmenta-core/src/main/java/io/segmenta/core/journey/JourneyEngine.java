package io.segmenta.core.journey;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.SendState;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Moves people through journeys. Entering is driven by the caller (events written, membership changes); everything
 * after is {@link #tick}: each run that is due takes its steps until it waits, ends or fails, and every transition is
 * written to the {@link JourneyLog} before the next step starts, so a restart resumes where the log says.
 *
 * <p>Why sends happen at most once per key: the key (journey, version, profile, step, entry) is claimed in the log
 * before delivery and marked sent after; a run found at a send step whose key is already sent moves on without
 * sending. A key still pending after a restart (the process stopped between claim and mark) is delivered again with
 * the same Message-ID, derived from the key, so a relay that saw the first copy drops the second: the only window
 * left is delivery accepted by the SMTP server and the process killed before the mark, milliseconds wide.
 *
 * <p>Edits: a run carries the version it entered with; when the journey changed, it continues at the step of the same
 * id in the new version, or ends ("step removed") if there is none.
 */
public final class JourneyEngine {
  public static final String CHANNEL = "email";
  /** Failed deliveries of one send before the run ends as failed. */
  public static final int ATTEMPTS = 5;
  private static final int MAX_STEPS_PER_TICK = 64;

  /** What one tick did. */
  public record Tick(int runs, int sent, int failed, RuntimeException lastFailure) {}

  private final Catalog catalog;
  private final Profiles profiles;
  private final ConsentLedger consent;
  private final Definitions<SegmentDefinition> segmentDefinitions;
  private final Scores scores;
  private final Definitions<Journey> journeys;
  private final JourneyLog log;
  private final Mailer mailer;
  private final Function<String, String> unsubscribeUrl;
  private final Clock clock;
  private final EmailRenderer renderer = new EmailRenderer();
  private final Object entering = new Object();

  public JourneyEngine(Catalog catalog, Profiles profiles, ConsentLedger consent, Definitions<SegmentDefinition> segmentDefinitions, Scores scores,
      Definitions<Journey> journeys, JourneyLog log, Mailer mailer /* null: sends are skipped */, Function<String, String> unsubscribeUrl, Clock clock) {
    this.catalog = catalog;
    this.profiles = profiles;
    this.consent = consent;
    this.segmentDefinitions = segmentDefinitions;
    this.scores = scores;
    this.journeys = journeys;
    this.log = log;
    this.mailer = mailer;
    this.unsubscribeUrl = unsubscribeUrl;
    this.clock = clock;
  }

  /** Enters the known profiles of {@code events} into the journeys their events trigger; returns the entries made. */
  public int onEvents(List<Event> events) {
    List<Journey> all = journeys.all().stream().filter(j -> j.trigger() instanceof Trigger.OnEvent).toList();
    int n = 0;
    for (Event e : events) {
      if (e.profileId() == null) {
        continue;
      }
      for (Journey j : all) {
        if (((Trigger.OnEvent) j.trigger()).matches(e.type(), e.properties()) && enter(j, e.profileId(), "event " + e.type())) {
          n++;
        }
      }
    }
    return n;
  }

  /** Enters profiles into the journeys their segment entries and exits trigger; returns the entries made. */
  public int onMembership(List<MembershipChange> changes) {
    List<Journey> all = journeys.all().stream().filter(j -> j.trigger() instanceof Trigger.OnSegment).toList();
    int n = 0;
    for (MembershipChange c : changes) {
      for (Journey j : all) {
        Trigger.OnSegment t = (Trigger.OnSegment) j.trigger();
        if (t.segment().equals(c.segment()) && t.entering() == c.entered()
            && enter(j, c.profileId(), (c.entered() ? "entered " : "left ") + c.segment())) {
          n++;
        }
      }
    }
    return n;
  }

  /** Removes erased people from every journey. */
  public void erase(Collection<String> profileIds) {
    log.erase(profileIds);
  }

  /** Enters one profile, unless a run of it is in progress or the re-entry setting refuses. */
  public boolean enter(Journey j, String profileId, String cause) {
    Instant now = clock.instant();
    synchronized (entering) {
      JourneyLog.Entries e = log.entries(j.key(), profileId);
      if (e.running() || (e.count() > 0 && !mayReenter(j.reentry(), e, now))) {
        return false;
      }
      Run r = new Run(j.key(), profileId, e.count() + 1, j.version(), j.first().id(), now, 0);
      log.enter(r, new StepRecord(j.key(), profileId, r.entry(), j.first().id(), "entered", cause, now));
      return true;
    }
  }

  private static boolean mayReenter(Journey.Reentry r, JourneyLog.Entries e, Instant now) {
    return switch (r.mode()) {
      case NEVER -> false;
      case ALWAYS -> true;
      case AFTER -> !e.lastEnteredAt().plus(r.after()).isAfter(now);
    };
  }

  /** Whether any run is due now. */
  public boolean hasDue() {
    return !log.due(clock.instant(), 1).isEmpty();
  }

  /** Takes the steps of up to {@code limit} due runs. */
  public Tick tick(int limit) {
    int runs = 0;
    int sent = 0;
    int failed = 0;
    RuntimeException last = null;
    for (Run r : log.due(clock.instant(), limit)) {
      runs++;
      try {
        sent += advance(r);
      } catch (Retried e) {
        failed++;
        last = (RuntimeException) e.getCause();
      } catch (RuntimeException e) {
        // Anything but a delivery (a rule that cannot be evaluated, a store that refused): the same backoff and limit.
        failed++;
        last = e;
        giveUpOrRetry(r, r.step(), e, clock.instant());
      }
    }
    return new Tick(runs, sent, failed, last);
  }

  /** Takes a run's steps until it waits or ends; returns the e-mails it sent. Throws when a delivery failed. */
  private int advance(Run run) {
    Instant now = clock.instant();
    Optional<Journey> found = journeys.find(run.journey());
    if (found.isEmpty()) {
      log.end(run, record(run, run.step(), "ended", "journey deleted", now));
      return 0;
    }
    Journey j = found.get();
    if (j.version() != run.version()) {
      run = new Run(run.journey(), run.profileId(), run.entry(), j.version(), run.step(), run.dueAt(), run.attempts());
    }
    Optional<ProfileHistory> h = profiles.history(run.profileId());
    if (h.isEmpty()) {
      log.end(run, record(run, run.step(), "ended", "profile gone", now));
      return 0;
    }
    Segments segments = new Segments(catalog, segmentDefinitions, scores, clock);
    Evaluator evaluator = Evaluator.strict(now, segments.resolver());
    if (j.goal() != null && evaluator.matches(segments.ruleOf(j.goal()), h.get())) {
      log.end(run, record(run, run.step(), "goal", "goal reached", now));
      return 0;
    }
    for (int i = 0; i < j.exits().size(); i++) {
      if (evaluator.matches(segments.ruleOf(j.exits().get(i)), h.get())) {
        log.end(run, record(run, run.step(), "exited", "exit rule " + i, now));
        return 0;
      }
    }
    int sent = 0;
    for (int taken = 0; taken < MAX_STEPS_PER_TICK; taken++) {
      Optional<Step> at = j.step(run.step());
      if (at.isEmpty()) {
        log.end(run, record(run, run.step(), "ended", "step removed in version " + j.version(), now));
        return sent;
      }
      Step s = at.get();
      String next;
      StepRecord rec;
      if (s instanceof Step.Wait w) {
        log.move(run, w.then(), now.plus(w.duration()), record(run, s.id(), "waiting", w.duration().toString(), now));
        return sent;
      } else if (s instanceof Step.Exit) {
        log.end(run, record(run, s.id(), "exited", "exit step", now));
        return sent;
      } else if (s instanceof Step.Branch b) {
        boolean yes = evaluator.matches(segments.ruleOf(b.rule()), h.get());
        next = yes ? b.yes() : b.no();
        rec = record(run, s.id(), "branched", yes ? "yes" : "no", now);
      } else if (s instanceof Step.Split sp) {
        if (bucket(run) < sp.holdoutPercent()) {
          log.end(run, record(run, s.id(), "held_out", "holdout " + sp.holdoutPercent() + "%", now));
          return sent;
        }
        next = sp.then();
        rec = record(run, s.id(), "split", "treatment", now);
      } else {
        Step.SendEmail m = (Step.SendEmail) s;
        String outcome = send(j, run, m, h.get(), evaluator, segments, now);
        sent += outcome.equals("sent") ? 1 : 0;
        next = m.then();
        rec = record(run, s.id(), outcome.equals("sent") || outcome.equals("sent_before_restart") ? outcome : "skipped",
            outcome.equals("sent") || outcome.equals("sent_before_restart") ? null : outcome, now);
      }
      if (next == null) {
        log.end(run, rec);
        return sent;
      }
      log.move(run, next, now, rec);
      run = new Run(run.journey(), run.profileId(), run.entry(), run.version(), next, now, 0);
    }
    return sent;
  }

  /** Sends one e-mail: "sent", "sent_before_restart", or the reason it was skipped. Throws when delivery failed. */
  private String send(Journey j, Run run, Step.SendEmail m, ProfileHistory h, Evaluator evaluator, Segments segments, Instant now) {
    String key = String.join("/", j.key(), Integer.toString(run.version()), run.profileId(), m.id(), Integer.toString(run.entry()));
    Optional<SendState> state = log.send(key);
    if (state.isPresent() && state.get() == SendState.SENT) {
      return "sent_before_restart";
    }
    if (mailer == null) {
      return "no mail transport configured";
    }
    if (!ConsentPolicy.allows(consent.consents(run.profileId()), Purpose.EMAIL_MARKETING)) {
      return "no e-mail marketing consent";
    }
    String to = address(h);
    if (to == null) {
      return "no e-mail address";
    }
    for (Journey.FrequencyCap cap : j.caps()) {
      if (log.sentSince(run.profileId(), CHANNEL, now.minus(cap.per())) >= cap.max()) {
        return "frequency cap: " + cap.max() + " per " + cap.per();
      }
    }
    EmailTemplate t = j.templates().get(m.template());
    String unsubscribe = unsubscribeUrl.apply(run.profileId());
    EmailRenderer.Email email;
    try {
      email = renderer.render(t, recipient(h, evaluator, unsubscribe));
    } catch (SegmentaException e) {
      return "template failed: " + e.getMessage();
    }
    if (state.isEmpty()) {
      log.claim(key, j.key(), run.profileId(), CHANNEL, now);
    }
    String html = email.html().contains(unsubscribe) ? email.html()
        : email.html() + "\n<p style=\"font-size:small\"><a href=\"" + unsubscribe + "\">Unsubscribe</a></p>";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("List-Unsubscribe", "<" + unsubscribe + ">");
    headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    try {
      mailer.send(new Mailer.Message(messageId(key), to, email.subject(), html, headers));
    } catch (RuntimeException e) {
      giveUpOrRetry(run, m.id(), e, now);
      throw new Retried(e);
    }
    log.sent(key, clock.instant());
    return "sent";
  }

  /** A failure already counted against its run (retried later, or the run ended). */
  private static final class Retried extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Retried(RuntimeException cause) {
      super(cause);
    }
  }

  private void giveUpOrRetry(Run run, String step, RuntimeException e, Instant now) {
    if (run.attempts() + 1 >= ATTEMPTS) {
      log.end(run, record(run, step, "failed", "failed " + ATTEMPTS + " times: " + e.getClass().getSimpleName(), now));
    } else {
      log.retry(run, now.plus(backoff(run.attempts())));
    }
  }

  /** 1 s doubling to 5 min between delivery attempts. */
  static Duration backoff(int attempts) {
    return Duration.ofSeconds(Math.min(300, 1L << Math.min(attempts, 9)));
  }

  private EmailRenderer.Recipient recipient(ProfileHistory h, Evaluator evaluator, String unsubscribe) {
    Map<String, Value> traits = new LinkedHashMap<>(h.profile().traits());
    for (Map.Entry<String, Measure> c : ComputedTraits.all().entrySet()) {
      Value v = evaluator.measure(c.getValue(), h);
      if (!v.isNull()) {
        traits.put(c.getKey(), v);
      }
    }
    traits.put("unsubscribe_url", Value.of(unsubscribe));
    List<String> in = new ArrayList<>();
    Segments segments = new Segments(catalog, segmentDefinitions, scores, clock);
    for (SegmentDefinition s : segmentDefinitions.all()) {
      if (evaluator.matches(segments.ruleOf(s.name()), h)) {
        in.add(s.name());
      }
    }
    return new EmailRenderer.Recipient(h.profile().id(), traits, in, List.of());
  }

  private static String address(ProfileHistory h) {
    for (Identifier i : h.profile().identifiers()) {
      if (i.kind().equals("email")) {
        return i.value();
      }
    }
    Value v = h.profile().traits().get("email");
    return v instanceof Value.Str s && s.value().contains("@") ? s.value() : null;
  }

  /** A stable bucket 0..99 of (journey, profile, entry), so a holdout is reproducible. */
  private static int bucket(Run r) {
    byte[] d = sha256(r.journey() + "/" + r.profileId() + "/" + r.entry());
    return Math.floorMod(((d[0] & 0xff) << 8) | (d[1] & 0xff), 100);
  }

  /** A Message-ID from the idempotency key (hashed: no profile id in a header). */
  static String messageId(String key) {
    return "<" + HexFormat.of().formatHex(sha256(key), 0, 16) + "@journeys.segmenta>";
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StepRecord record(Run run, String step, String outcome, String reason, Instant at) {
    return new StepRecord(run.journey(), run.profileId(), run.entry(), step, outcome, reason, at);
  }
}
