package io.segmenta.core.journey;

import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One tick's due runs, taken in rounds. Why rounds: a send needs three reads (its key's state, the person's consent,
 * their recent e-mails for the caps) and two writes (its claim before delivery, its mark after), and a chunk of
 * hundreds of runs can pay each once instead of once per run. Each round walks every active run in memory (the
 * histories read together when the tick began) until it reaches a send step, waits or ends; then the round's sends are
 * decided against one read of each kind ({@link Sends#read}), claimed together with every change before them in one
 * transaction, delivered one by one, and the delivered ones marked sent in one transaction. Runs that go on after
 * their send take the next round, with fresh reads.
 *
 * <p>Exactly once, the rule of one send applied to a round (see {@link JourneyEngine}): nothing is delivered before
 * its claim and every change that led to it are durable, and a key found sent is never delivered again. A crash
 * between a round's claim and its mark leaves all of the round's keys pending, and the restart delivers each of them
 * again with the same Message-ID or Idempotency-Key: the window in which a receiver may get a second copy (which the
 * key lets it drop) is a round's deliveries and mark, not one send's. Changes kept after a mark, if lost, only make a
 * run take its send step again, where the key is found sent.
 *
 * <p>Frequency caps across the chunk: the sends of a round are decided in order, and each counts those planned
 * before it ({@link Sends.Reads}), so a cap of one lets one of two sends to one person in one round go.
 */
final class StepRounds {
  private static final int MAX_STEPS_PER_TICK = 64;

  /** What the rounds read and write, kept by the engine. */
  record Parts(Catalog catalog, Profiles profiles, Definitions<SegmentDefinition> segmentDefinitions, Scores scores, Definitions<Journey> journeys,
      JourneyLog log, Sends sends, AudienceSteps audienceSteps, Clock clock) {}

  /** A run being taken this tick, with what its rules read. */
  private static final class Walk {
    Run run;
    final Journey journey;
    final ProfileHistory history;
    final Evaluator evaluator;
    final ZoneId zone;
    int taken;

    Walk(Run run, Journey journey, ProfileHistory history, Evaluator evaluator, ZoneId zone) {
      this.run = run;
      this.journey = journey;
      this.history = history;
      this.evaluator = evaluator;
      this.zone = zone;
    }
  }

  /** A run stopped at a send step, for the round's reads and claim. */
  private record Parked(Walk walk, Step step) {}

  private final Parts parts;
  private final PendingChanges pending;
  private final Set<String> written = new HashSet<>();
  /** Keys delivered and not yet marked: marked at the end of their round, or when the tick stops early. */
  private final List<String> delivered = new ArrayList<>();
  private int runs;
  private int sent;
  private int failed;
  private RuntimeException last;

  /** The tick's journeys and rules, each read and compiled once a tick rather than once a run. */
  private final Map<String, Optional<Journey>> journeys = new HashMap<>();
  private final Segments segments;
  private final Map<String, Rule> rules = new HashMap<>();

  StepRounds(Parts parts) {
    this.parts = parts;
    this.pending = new PendingChanges(parts.log());
    this.segments = new Segments(parts.catalog(), parts.segmentDefinitions(), parts.scores(), parts.clock());
  }

  private Rule rule(String ruleOrName) {
    Rule r = rules.get(ruleOrName);
    if (r == null) {
      r = segments.ruleOf(ruleOrName);
      rules.put(ruleOrName, r);
    }
    return r;
  }

  /** Takes the steps of up to {@code limit} due runs. */
  JourneyEngine.Tick tick(int limit) {
    List<Run> due = parts.log().due(parts.clock().instant(), limit);
    Map<String, ProfileHistory> histories = parts.profiles().histories(due.stream().map(Run::profileId).distinct().toList());
    try {
      Instant now = parts.clock().instant();
      List<Parked> parked = new ArrayList<>();
      for (Run r : due) {
        runs++;
        try {
          // A profile whose traits a step of this tick set is read again, so a later run of it sees them.
          Optional<ProfileHistory> h = written.contains(r.profileId()) ? parts.profiles().history(r.profileId())
              : Optional.ofNullable(histories.get(r.profileId()));
          Walk w = start(r, h, now);
          if (w != null) {
            walk(w, now, parked);
          }
        } catch (RuntimeException e) {
          failed(r, r.step(), e);
        }
      }
      while (!parked.isEmpty()) {
        List<Walk> going = send(parked, now);
        parked = new ArrayList<>();
        now = parts.clock().instant();
        for (Walk w : going) {
          try {
            walk(w, now, parked);
          } catch (RuntimeException e) {
            failed(w.run, w.run.step(), e);
          }
        }
      }
    } finally {
      // Reached only early when something was thrown past the rounds: what was delivered is marked, the rest written.
      mark();
      pending.flush();
    }
    return new JourneyEngine.Tick(runs, sent, failed, last);
  }

  private void failed(Run run, String step, RuntimeException e) {
    failed++;
    if (e instanceof Retried r) {
      last = (RuntimeException) r.getCause();
    } else {
      // Anything but a delivery (a rule that cannot be evaluated, a store that refused): the same backoff and limit.
      last = e;
      giveUpOrRetry(run, step, e, parts.clock().instant());
    }
  }

  /** The run's checks before its steps: journey and profile still there, goal and exit rules; null when it ended. */
  private Walk start(Run run, Optional<ProfileHistory> h, Instant now) {
    Optional<Journey> found = journeys.computeIfAbsent(run.journey(), parts.journeys()::find);
    if (found.isEmpty()) {
      pending.add(new JourneyLog.Ended(run, record(run, run.step(), "ended", "journey deleted", now)));
      return null;
    }
    Journey j = found.get();
    if (j.version() != run.version()) {
      run = run.withVersion(j.version());
    }
    if (h.isEmpty()) {
      pending.add(new JourneyLog.Ended(run, record(run, run.step(), "ended", "profile gone", now)));
      return null;
    }
    Evaluator evaluator = Evaluator.strict(now, segments.resolver());
    if (j.goal() != null && evaluator.matches(rule(j.goal()), h.get())) {
      pending.add(new JourneyLog.Ended(run, record(run, run.step(), "goal", "goal reached", now)));
      return null;
    }
    for (int i = 0; i < j.exits().size(); i++) {
      if (evaluator.matches(rule(j.exits().get(i)), h.get())) {
        pending.add(new JourneyLog.Ended(run, record(run, run.step(), "exited", "exit rule " + i, now)));
        return null;
      }
    }
    return new Walk(run, j, h.get(), evaluator, LocalTimes.zone(h.get().profile(), j.zone()));
  }

  /** Takes a run's steps until it reaches a send (parked for the round), waits or ends. Throws when an audience delivery failed. */
  private void walk(Walk w, Instant now, List<Parked> parked) {
    Journey j = w.journey;
    ProfileHistory h = w.history;
    for (; w.taken < MAX_STEPS_PER_TICK; w.taken++) {
      Run run = w.run;
      Optional<Step> at = j.step(run.step());
      if (at.isEmpty()) {
        pending.add(new JourneyLog.Ended(run, record(run, run.step(), "ended", "step removed in version " + j.version(), now)));
        return;
      }
      Step s = at.get();
      String next;
      StepRecord rec;
      if (s instanceof Step.Wait wt) {
        pending.add(new JourneyLog.Moved(run, wt.then(), now.plus(wt.duration()), record(run, s.id(), "waiting", wt.duration().toString(), now)));
        return;
      } else if (s instanceof Step.WaitUntil wt) {
        pending.add(new JourneyLog.Moved(run, wt.then(), LocalTimes.next(now, wt.time(), w.zone),
            record(run, s.id(), "waiting", "until " + wt.time() + " " + w.zone, now)));
        return;
      } else if (s instanceof Step.WaitForDate wt) {
        LocalDate day = LocalTimes.day(h.profile().traits().getOrDefault(wt.trait(), Value.NULL), w.zone);
        Instant due = day == null ? null : day.atTime(wt.at()).atZone(w.zone).toInstant();
        if (due != null && due.isAfter(now)) {
          pending.add(new JourneyLog.Moved(run, wt.then(), due, record(run, s.id(), "waiting", "until " + wt.trait() + " " + day + " " + wt.at() + " " + w.zone, now)));
          return;
        }
        next = wt.then();
        rec = record(run, s.id(), "waited", day == null ? "no date in " + wt.trait() : wt.trait() + " " + day + " has passed", now);
      } else if (s instanceof Step.WaitFor wt) {
        boolean holds = w.evaluator.matches(rule(wt.rule()), h);
        Instant deadline = run.since().plus(wt.timeout());
        if (holds) {
          next = wt.yes();
          rec = record(run, s.id(), "waited", "rule held", now);
        } else if (!now.isBefore(deadline)) {
          next = wt.no();
          rec = record(run, s.id(), "timed_out", "after " + wt.timeout(), now);
        } else {
          Instant again = now.plus(wt.poll());
          pending.add(new JourneyLog.Postponed(run, again.isAfter(deadline) ? deadline : again));
          return;
        }
      } else if (s instanceof Step.Exit) {
        pending.add(new JourneyLog.Ended(run, record(run, s.id(), "exited", "exit step", now)));
        return;
      } else if (s instanceof Step.Branch b) {
        boolean yes = w.evaluator.matches(rule(b.rule()), h);
        next = yes ? b.yes() : b.no();
        rec = record(run, s.id(), "branched", yes ? "yes" : "no", now);
      } else if (s instanceof Step.Split sp) {
        if (JourneyEngine.bucket(run) < sp.holdoutPercent()) {
          pending.add(new JourneyLog.Ended(run, record(run, s.id(), "held_out", "holdout " + sp.holdoutPercent() + "%", now)));
          return;
        }
        next = sp.then();
        rec = record(run, s.id(), "split", "treatment", now);
      } else if (s instanceof Step.SetTraits t) {
        parts.profiles().write(new Batch(List.of(new Profile(run.profileId(), List.of(), t.traits())), List.of()));
        written.add(run.profileId());
        next = t.then();
        rec = record(run, s.id(), "set", String.join(",", new TreeSet<>(t.traits().keySet())), now);
      } else if (s instanceof Step.Audience a) {
        Sends.Outcome o = deliver(run, s.id(), () -> parts.audienceSteps().run(j, run, a, h, now, pending));
        sent += o.delivered() ? 1 : 0;
        next = a.then();
        rec = sendRecord(run, s.id(), o, now);
      } else if (s instanceof Step.SendEmail && j.quietHours() != null && j.quietHours().contains(now.atZone(w.zone).toLocalTime())) {
        Instant after = LocalTimes.next(now, j.quietHours().to(), w.zone);
        pending.add(new JourneyLog.Moved(run, s.id(), after, record(run, s.id(), "deferred", "quiet hours until " + j.quietHours().to() + " " + w.zone, now)));
        return;
      } else {
        // An e-mail or a webhook call: decided, claimed, delivered and marked with the round's others.
        parked.add(new Parked(w, s));
        return;
      }
      if (!advance(w, next, rec, now)) {
        return;
      }
    }
  }

  /** Writes the move to {@code next} (or the end when null); whether the run goes on. */
  private boolean advance(Walk w, String next, StepRecord rec, Instant now) {
    if (next == null) {
      pending.add(new JourneyLog.Ended(w.run, rec));
      return false;
    }
    pending.add(new JourneyLog.Moved(w.run, next, now, rec));
    w.run = w.run.at(next, now);
    return true;
  }

  /** A decided send of the round, and whether its delivery failed. */
  private static final class Decided {
    final Parked parked;
    final Sends.Decision decision;
    boolean failed;

    Decided(Parked parked, Sends.Decision decision) {
      this.parked = parked;
      this.decision = decision;
    }
  }

  /** Decides, claims, delivers and marks the round's sends; returns the runs that go on after theirs. */
  private List<Walk> send(List<Parked> parked, Instant now) {
    Set<String> keys = new LinkedHashSet<>();
    Set<String> emailed = new LinkedHashSet<>();
    Duration capPeriod = null;
    for (Parked p : parked) {
      keys.add(Sends.key(p.walk().journey, p.walk().run, p.step().id()));
      if (p.step() instanceof Step.SendEmail) {
        emailed.add(p.walk().run.profileId());
        for (Journey.FrequencyCap cap : p.walk().journey.caps()) {
          capPeriod = capPeriod == null || cap.per().compareTo(capPeriod) > 0 ? cap.per() : capPeriod;
        }
      }
    }
    Sends.Reads reads = parts.sends().read(keys, emailed, capPeriod, now);
    List<Decided> decided = new ArrayList<>();
    List<JourneyLog.Claim> claims = new ArrayList<>();
    for (Parked p : parked) {
      Walk w = p.walk();
      try {
        Sends.Decision d = p.step() instanceof Step.SendEmail m
            ? parts.sends().email(w.journey, w.run, m, w.history, w.evaluator, this::rule, now, reads)
            : parts.sends().webhook(w.journey, w.run, (Step.Webhook) p.step(), now, reads);
        decided.add(new Decided(p, d));
        if (d.planned() != null && !d.planned().claimed()) {
          claims.add(d.planned().claim(now));
        }
      } catch (RuntimeException e) {
        failed(w.run, p.step().id(), e);
      }
    }
    pending.claim(claims);
    for (Decided d : decided) {
      Sends.Planned planned = d.decision.planned();
      if (planned == null) {
        continue;
      }
      try {
        planned.delivery().run();
        parts.log().delivered(planned.key());
        delivered.add(planned.key());
      } catch (RuntimeException e) {
        d.failed = true;
        Run run = d.parked.walk().run;
        failed++;
        last = e;
        giveUpOrRetry(run, d.parked.step().id(), e, parts.clock().instant());
      }
    }
    mark();
    List<Walk> going = new ArrayList<>();
    for (Decided d : decided) {
      if (d.failed) {
        continue;
      }
      Walk w = d.parked.walk();
      Step s = d.parked.step();
      Sends.Outcome o = d.decision.planned() == null ? d.decision.outcome() : new Sends.Outcome("sent", true);
      sent += o.delivered() ? 1 : 0;
      String next = s instanceof Step.SendEmail m ? m.then() : ((Step.Webhook) s).then();
      w.taken++;
      if (advance(w, next, sendRecord(w.run, s.id(), o, now), now)) {
        going.add(w);
      }
    }
    return going;
  }

  /** Marks the delivered keys sent, in one transaction. */
  private void mark() {
    if (!delivered.isEmpty()) {
      parts.log().sent(List.copyOf(delivered), parts.clock().instant());
      delivered.clear();
    }
  }

  private Sends.Outcome deliver(Run run, String step, Supplier<Sends.Outcome> send) {
    try {
      return send.get();
    } catch (RuntimeException e) {
      giveUpOrRetry(run, step, e, parts.clock().instant());
      throw new Retried(e);
    }
  }

  private static StepRecord sendRecord(Run run, String step, Sends.Outcome o, Instant now) {
    return o.sent() ? record(run, step, o.result(), null, now) : record(run, step, "skipped", o.result(), now);
  }

  /** A failure already counted against its run (retried later, or the run ended). */
  private static final class Retried extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Retried(RuntimeException cause) {
      super(cause);
    }
  }

  private void giveUpOrRetry(Run run, String step, RuntimeException e, Instant now) {
    if (run.attempts() + 1 >= JourneyEngine.ATTEMPTS) {
      pending.add(new JourneyLog.Ended(run, record(run, step, "failed", "failed " + JourneyEngine.ATTEMPTS + " times: " + e.getClass().getSimpleName(), now)));
    } else {
      pending.add(new JourneyLog.Retried(run, now.plus(JourneyEngine.backoff(run.attempts()))));
    }
  }

  private static StepRecord record(Run run, String step, String outcome, String reason, Instant at) {
    return new StepRecord(run.journey(), run.profileId(), run.entry(), step, outcome, reason, at);
  }
}
