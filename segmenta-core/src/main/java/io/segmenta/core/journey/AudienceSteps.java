package io.segmenta.core.journey;

import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.destination.Channel;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Entry;
import io.segmenta.core.destination.Payloads;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.SendState;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Member;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The audience steps: one person added to or removed from a destination's audience from inside a journey (Braze's
 * Audience Sync step, Customer.io's "add to / remove from" actions), through the destinations' own parts: the
 * member's entry as that kind of channel takes it ({@link Payloads}: hashed identifiers for Meta and Google, the
 * member id for Mailchimp), the channel's delivery of one add or remove ({@link Channel}), and the destination's
 * sync state ({@code SyncState}), updated as a sync would, so the next diff knows the person is there (or gone) and erasure
 * reaches them.
 *
 * <p>Why only some destinations: a destination synced on a schedule or on each change of its segment would take the
 * person out again at its next sync (they are not in its segment); one written whole each run (CSV, files) cannot take
 * one person; one bound to a campaign holds whom the arbitration gives it. A journey's audience is therefore a
 * destination of a change-taking kind (Meta, Google, Mailchimp, webhook) that only journeys and manual syncs change.
 *
 * <p>Exactly once as the other sends: the key (journey, version, profile, step, entry) is claimed before delivery and
 * marked after; a key found sent is not delivered again; one found pending is delivered again (adding or removing twice
 * is harmless on every platform we send to). Adding needs the destination's consent purpose at that moment; removing
 * never does. A failure the channel expects to pass is thrown, for the engine's backoff; any other is a skip with its
 * reason.
 */
final class AudienceSteps {
  static final String CHANNEL = "audience";

  private final ConsentLedger consent;
  private final JourneyLog log;
  private final JourneyEngine.Destinations destinations;
  private final Clock clock;

  AudienceSteps(ConsentLedger consent, JourneyLog log, JourneyEngine.Destinations destinations, Clock clock) {
    this.consent = consent;
    this.log = log;
    this.destinations = destinations;
    this.clock = clock;
  }

  /** Why a destination cannot be a journey's audience, or null when it can. */
  static String unfit(Destination d) {
    if (d.kind().snapshot) {
      return "destination '" + d.key() + "' is a " + d.kind().label() + ", written whole by each sync: a journey cannot add one person to it";
    }
    if (d.every() != null || d.onChange()) {
      return "destination '" + d.key() + "' syncs its segment by itself (" + (d.every() != null ? "every " + d.every() : "on change")
          + "), which would undo the journey's changes: use a destination synced only on demand";
    }
    if (d.campaign() != null) {
      return "destination '" + d.key() + "' is campaign '" + d.campaign() + "''s audience, which the arbitration fills";
    }
    return null;
  }

  Sends.Outcome run(Journey j, Run run, Step.Audience a, ProfileHistory h, Instant now, PendingChanges pending) {
    String key = Sends.key(j, run, a.id());
    Optional<SendState> state = log.send(key);
    if (state.isPresent() && state.get() == SendState.SENT) {
      return new Sends.Outcome("sent_before_restart", false);
    }
    if (destinations == null) {
      return new Sends.Outcome("no destinations configured", false);
    }
    Optional<Destination> found = destinations.definitions().find(a.destination());
    if (found.isEmpty()) {
      return new Sends.Outcome("unknown destination '" + a.destination() + "'", false);
    }
    Destination d = found.get();
    String unfit = unfit(d);
    if (unfit != null) {
      return new Sends.Outcome(unfit, false);
    }
    if (a.add() && !ConsentPolicy.allows(consent.consents(run.profileId()), d.purpose())) {
      return new Sends.Outcome("no " + d.purpose().label() + " consent", false);
    }
    Entry entry = new Payloads(d).entry(new Member(run.profileId(), h.profile().identifiers(), h.profile().traits()));
    if (entry == null) {
      return new Sends.Outcome("nothing the " + d.kind().label() + " channel can match on", false);
    }
    if (state.isEmpty()) {
      pending.claim(key, j.key(), run.profileId(), CHANNEL, now);
    } else {
      pending.flush();
    }
    Channel.Changes changes = a.add() ? new Channel.Changes(d, List.of(entry), List.of(), List.of(entry))
        : new Channel.Changes(d, List.of(), List.of(entry.kept()), List.of());
    Channel.Delivery delivery;
    try {
      delivery = destinations.channels().apply(d).deliver(changes);
    } catch (Channel.ChannelException e) {
      if (e.retryable()) {
        throw e;
      }
      log.sent(key, clock.instant());
      return new Sends.Outcome("the " + d.kind().label() + " channel refused: " + e.getMessage(), false);
    }
    if (delivery.refused() > 0) {
      log.sent(key, clock.instant());
      return new Sends.Outcome("the " + d.kind().label() + " channel refused: " + delivery.reason(), false);
    }
    // Removed first, then added back when adding: an add delivered again after a restart keeps one row.
    destinations.state().apply(d.key(), a.add() ? List.of(entry) : List.of(), new long[] {entry.fingerprint()});
    log.sent(key, clock.instant());
    return new Sends.Outcome("sent", true);
  }
}
