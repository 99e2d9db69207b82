package io.segmenta.core.journey;

import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.destination.Channel;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.SyncState;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.model.Event;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * left is delivery accepted by the SMTP server and the process killed before the mark. A tick claims the sends of a
 * round of up to {@code limit} runs in one transaction and marks them in one ({@link StepRounds}), so that window is
 * the round's deliveries and mark, and a crash in it delivers the round's keys again, each under its own Message-ID.
 *
 * <p>Edits: a run carries the version it entered with; when the journey changed, it continues at the step of the same
 * id in the new version, or ends ("step removed") if there is none. A run waiting (a duration, a time, a date) keeps
 * the instant it is due at, computed when it began to wait; a wait for a rule checks the new rule and the new timeout
 * from when it began.
 *
 * <p>Date and schedule triggers are {@link #schedule}: each journey's last firing is kept in the log, so a restart
 * neither repeats a day nor skips one (a firing missed while the server was down happens at the next start).
 */
public final class JourneyEngine {
  public static final String CHANNEL = "email";
  /** Failed deliveries of one send before the run ends as failed. */
  public static final int ATTEMPTS = 5;

  /** What one tick did. */
  public record Tick(int runs, int sent, int failed, RuntimeException lastFailure) {}

  /**
   * Where sends go: e-mail (null: skipped, "no mail transport configured"), webhooks (null: skipped), the
   * recommendations e-mails show (null: none) and the destinations of audience steps (null: skipped).
   */
  public record Channels(Mailer mailer, WebhookPoster webhooks, Recommendations recommendations, Destinations destinations) {
    public static final Channels NONE = new Channels(null, null, null);

    /** Channels without destinations: audience steps are skipped ("no destinations configured"). */
    public Channels(Mailer mailer, WebhookPoster webhooks, Recommendations recommendations) {
      this(mailer, webhooks, recommendations, null);
    }
  }

  /** Where audience steps go: the destinations by key, their kept sync state, and a channel for each (see {@code AudienceSteps}). */
  public record Destinations(Definitions<Destination> definitions, SyncState state, Function<Destination, Channel> channels) {}

  private final Catalog catalog;
  private final Profiles profiles;
  private final Definitions<SegmentDefinition> segmentDefinitions;
  private final Scores scores;
  private final Audiences audiences;
  private final Definitions<Journey> journeys;
  private final JourneyLog log;
  private final StepRounds.Parts rounds;
  private final SegmentTriggers segmentTriggers;
  private final Clock clock;
  private final Object entering = new Object();

  public JourneyEngine(Catalog catalog, Profiles profiles, ConsentLedger consent, Definitions<SegmentDefinition> segmentDefinitions, Scores scores,
      Audiences audiences, Definitions<Journey> journeys, JourneyLog log, Channels channels, Function<String, String> unsubscribeUrl, Clock clock) {
    this(catalog, profiles, consent, segmentDefinitions, scores, audiences, journeys, log, channels, unsubscribeUrl, clock, null);
  }

  /** As above, with the campaigns whose arbitration picks the template of a campaign's e-mail step (null: none; see {@link Sends}). */
  public JourneyEngine(Catalog catalog, Profiles profiles, ConsentLedger consent, Definitions<SegmentDefinition> segmentDefinitions, Scores scores,
      Audiences audiences, Definitions<Journey> journeys, JourneyLog log, Channels channels, Function<String, String> unsubscribeUrl, Clock clock,
      Definitions<Campaign> campaigns) {
    this.catalog = catalog;
    this.profiles = profiles;
    this.segmentDefinitions = segmentDefinitions;
    this.scores = scores;
    this.audiences = audiences;
    this.journeys = journeys;
    this.log = log;
    Sends sends = new Sends(consent, segmentDefinitions, log, channels, unsubscribeUrl, campaigns);
    AudienceSteps audienceSteps = new AudienceSteps(consent, log, channels.destinations(), clock);
    this.rounds = new StepRounds.Parts(catalog, profiles, segmentDefinitions, scores, journeys, log, sends, audienceSteps, clock);
    this.clock = clock;
    this.segmentTriggers = new SegmentTriggers(journeys, log, () -> new Segments(catalog, segmentDefinitions, scores, clock), audiences, clock, entering);
  }

  private List<Journey> active(Class<? extends Trigger> kind) {
    return journeys.all().stream().filter(j -> kind.isInstance(j.trigger()) && !log.paused(j.key())).toList();
  }

  /** Enters the known profiles of {@code events} into the journeys their events trigger; returns the entries made. */
  public int onEvents(List<Event> events) {
    List<Journey> all = active(Trigger.OnEvent.class);
    Admissions a = new Admissions(log, clock, entering);
    for (Event e : events) {
      if (e.profileId() == null) {
        continue;
      }
      for (Journey j : all) {
        if (((Trigger.OnEvent) j.trigger()).matches(e.type(), e.properties())) {
          a.offer(j, e.profileId(), "event " + e.type(), e.id());
        }
      }
    }
    return a.admit();
  }

  /**
   * Records that every event published before {@code through} was offered to the event-triggered journeys (their
   * checkpoint for {@link #catchUp}). Journeys without a checkpoint get one even when no event came.
   */
  public void considered(Instant through, boolean events) {
    for (Journey j : active(Trigger.OnEvent.class)) {
      if (events || log.lastFired(j.key()).isEmpty()) {
        log.fired(j.key(), through);
      }
    }
  }

  /**
   * Enters what a crash may have lost, for both kinds of trigger that are fed from memory. Returns the entries made.
   *
   * <p>Events: those of each event-triggered journey's type stored since its checkpoint less {@code margin} (for
   * clocks and late events) that caused no run. Why this is needed: entries are made by the journey thread from events
   * queued in memory when the journal acknowledged them, and the journal neither republishes on replay nor keeps
   * applied records; the events are in the store, so the store is asked. An event refused then by the re-entry setting
   * is offered again and refused again, unless its re-entry is "always" and the run that blocked it has ended since
   * (within the margin).
   *
   * <p>Segments: each segment-triggered journey keeps its own copy of its segment's members ({@link #onMembership});
   * the members now (the store's answer to the segment's rule) less that copy entered while the process was down or
   * in changes it lost, and the copy less the members now left. Those differences are the changes a crash lost
   * (whether queued in memory, or decided by the real-time feed and never stored), made now, once: the copy is updated
   * in the same transaction as the entries. A change that entered and left again, both lost, leaves no difference and
   * is not made. Only segments in {@code realtime} are watched (others publish no change).
   */
  public int catchUp(Duration margin, Set<String> realtime) {
    Admissions a = new Admissions(log, clock, entering);
    for (Journey j : active(Trigger.OnEvent.class)) {
      Optional<Instant> through = log.lastFired(j.key());
      if (through.isEmpty()) {
        continue;
      }
      Trigger.OnEvent t = (Trigger.OnEvent) j.trigger();
      for (JourneyLog.Missed m : log.missed(j.key(), t.eventType(), through.get().minus(margin))) {
        Optional<Event> e = profiles.history(m.profileId()).flatMap(h -> h.events().stream().filter(x -> x.id().equals(m.eventId())).findFirst());
        if (e.isPresent() && t.matches(e.get().type(), e.get().properties())) {
          a.offer(j, m.profileId(), "event " + t.eventType(), m.eventId());
        }
      }
    }
    return a.admit() + segmentTriggers.catchUp(realtime);
  }

  /**
   * Starts keeping the members of each segment-triggered journey's segment (a new journey, or one whose trigger
   * changed segment), see {@link SegmentTriggers#watch}.
   */
  public void watch(Set<String> realtime) {
    segmentTriggers.watch(realtime);
  }

  /** Enters profiles into the journeys their segment entries and exits trigger; returns the entries made. */
  public int onMembership(List<MembershipChange> changes) {
    return segmentTriggers.onMembership(changes);
  }

  /**
   * Fires the date and schedule triggers that are due: a date trigger once a day at its time (the profiles whose date
   * trait returns that day), a schedule at its first run and every period after (the segment's members then).
   * Returns the entries made.
   */
  public int schedule() {
    Instant now = clock.instant();
    int n = 0;
    for (Journey j : journeys.all()) {
      if (!(j.trigger() instanceof Trigger.OnDate) && !(j.trigger() instanceof Trigger.OnSchedule) || log.paused(j.key())) {
        continue;
      }
      Optional<Instant> last = log.lastFired(j.key());
      if (j.trigger() instanceof Trigger.OnDate d) {
        Instant today = LocalTimes.next(now.minus(Duration.ofDays(1)), d.at(), j.zone());
        Instant due = today.isAfter(now) ? LocalTimes.next(now.minus(Duration.ofDays(2)), d.at(), j.zone()) : today;
        if (last.isPresent() && !last.get().isBefore(due)) {
          continue;
        }
        LocalDate day = due.atZone(j.zone()).toLocalDate();
        List<String> who = new ArrayList<>();
        audiences.run(new AudienceQuery.Rows(List.of(d.trait()), List.of(), List.of(), now, Purpose.EMAIL_MARKETING, row -> {
          if (LocalTimes.anniversary(LocalTimes.day(row.traits().get(0), j.zone()), day)) {
            who.add(row.id());
          }
        }));
        Admissions a = new Admissions(log, clock, entering);
        for (String id : who) {
          a.offer(j, id, "date " + d.trait() + " " + day, null);
        }
        n += a.admit();
        log.fired(j.key(), due);
      } else {
        Trigger.OnSchedule s = (Trigger.OnSchedule) j.trigger();
        if (last.isPresent() && last.get().plus(s.every()).isAfter(now)) {
          continue;
        }
        Rule rule = new Segments(catalog, segmentDefinitions, scores, clock).ruleOf(s.segment());
        for (long offset = 0; ; offset += PAGE) {
          List<String> page = audiences.run(new AudienceQuery.Page(rule, now, offset, PAGE));
          Admissions a = new Admissions(log, clock, entering);
          for (String id : page) {
            a.offer(j, id, "schedule " + s.segment(), null);
          }
          n += a.admit();
          if (page.size() < PAGE) {
            break;
          }
        }
        // The next firing counts from when this one was due, so the schedule does not drift by the tick.
        Instant due = last.isEmpty() ? now : last.get().plus(s.every().multipliedBy(Duration.between(last.get(), now).dividedBy(s.every())));
        log.fired(j.key(), due);
      }
    }
    return n;
  }

  private static final int PAGE = 10_000;

  /** Removes erased people from every journey. */
  public void erase(Collection<String> profileIds) {
    log.erase(profileIds);
  }

  /** Enters one profile, unless a run of it is in progress or the re-entry setting refuses. */
  public boolean enter(Journey j, String profileId, String cause) {
    Admissions a = new Admissions(log, clock, entering);
    a.offer(j, profileId, cause, null);
    return a.admit() == 1;
  }

  static boolean mayReenter(Journey.Reentry r, JourneyLog.Entries e, Instant now) {
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

  /**
   * Takes the steps of up to {@code limit} due runs in rounds ({@link StepRounds}): their histories read in one
   * {@link Profiles#histories} call; each round's sends decided against one read of their keys, consents and recent
   * e-mails, claimed with every change before them in one transaction before any is delivered, and marked in one after.
   */
  public Tick tick(int limit) {
    return new StepRounds(rounds).tick(limit);
  }

  /** 1 s doubling to 5 min between delivery attempts. */
  static Duration backoff(int attempts) {
    return Duration.ofSeconds(Math.min(300, 1L << Math.min(attempts, 9)));
  }

  /** A stable bucket 0..99 of (journey, profile, entry), so a holdout is reproducible. */
  static int bucket(Run r) {
    byte[] d = Sends.sha256(r.journey() + "/" + r.profileId() + "/" + r.entry());
    return Math.floorMod(((d[0] & 0xff) << 8) | (d[1] & 0xff), 100);
  }

  /** A Message-ID from the idempotency key (hashed: no profile id in a header). */
  static String messageId(String key) {
    return Sends.messageId(key);
  }
}
