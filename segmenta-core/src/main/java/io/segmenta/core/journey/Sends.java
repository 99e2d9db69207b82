package io.segmenta.core.journey;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.campaign.Arbitration;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.SendState;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sends of journey steps, e-mails and webhook calls, each at most once per idempotency key (journey, version,
 * profile, step, entry): the key is claimed in the log before delivery and marked sent after; a key found sent is not
 * delivered again ("sent_before_restart"), a key found pending (the process stopped between the two) is delivered
 * again under the same key, so the Message-ID or the webhook's Idempotency-Key lets the receiver drop a copy.
 * Consent and frequency caps are decided at the moment of sending. Delivery failures are thrown, for the engine's
 * backoff.
 *
 * <p>Campaigns (issue 17, "one message per person"): a step whose template is some campaign's e-mail template is a
 * campaign step. It sends the template of the campaign {@link Arbitration} gives the person for e-mail (decided with
 * the evaluator on their history and {@link ConsentPolicy} on their consent, the rule the decision API and ad
 * audiences apply), when the journey holds that template; otherwise it is skipped with the reason, so a person never
 * gets a campaign e-mail other than their campaign's. Steps of other templates send as written.
 */
final class Sends {
  /** What a send ended as: "sent", "sent_before_restart", or the reason it was skipped. */
  record Outcome(String result, boolean delivered) {
    boolean sent() {
      return result.equals("sent") || result.equals("sent_before_restart");
    }
  }

  private final ConsentLedger consent;
  private final Definitions<SegmentDefinition> segmentDefinitions;
  private final JourneyLog log;
  private final JourneyEngine.Channels channels;
  private final Function<String, String> unsubscribeUrl;
  private final Clock clock;
  private final EmailRenderer renderer = new EmailRenderer();
  private final Definitions<Campaign> campaigns;

  Sends(ConsentLedger consent, Definitions<SegmentDefinition> segmentDefinitions, JourneyLog log, JourneyEngine.Channels channels,
      Function<String, String> unsubscribeUrl, Clock clock, Definitions<Campaign> campaigns) {
    this.campaigns = campaigns;
    this.consent = consent;
    this.segmentDefinitions = segmentDefinitions;
    this.log = log;
    this.channels = channels;
    this.unsubscribeUrl = unsubscribeUrl;
    this.clock = clock;
  }

  static String key(Journey j, Run run, String step) {
    return String.join("/", j.key(), Integer.toString(run.version()), run.profileId(), step, Integer.toString(run.entry()));
  }

  /** Sends one e-mail. Throws when delivery failed. */
  Outcome email(Journey j, Run run, Step.SendEmail m, ProfileHistory h, Evaluator evaluator, Segments segments, Instant now, PendingChanges pending) {
    String key = key(j, run, m.id());
    Optional<SendState> state = log.send(key);
    if (state.isPresent() && state.get() == SendState.SENT) {
      return new Outcome("sent_before_restart", false);
    }
    if (channels.mailer() == null) {
      return new Outcome("no mail transport configured", false);
    }
    if (!ConsentPolicy.allows(consent.consents(run.profileId()), Purpose.EMAIL_MARKETING)) {
      return new Outcome("no e-mail marketing consent", false);
    }
    String to = address(h);
    if (to == null) {
      return new Outcome("no e-mail address", false);
    }
    for (Journey.FrequencyCap cap : j.caps()) {
      if (log.sentSince(run.profileId(), JourneyEngine.CHANNEL, now.minus(cap.per())) >= cap.max()) {
        return new Outcome("frequency cap: " + cap.max() + " per " + cap.per(), false);
      }
    }
    String template = m.template();
    if (campaigns != null) {
      List<Campaign> all = campaigns.all();
      if (all.stream().anyMatch(c -> m.template().equals(c.emailTemplate()))) {
        Optional<Campaign> won;
        try {
          won = new Arbitration(all).forChannel(Campaign.Channel.EMAIL, segment -> evaluator.matches(segments.ruleOf(segment), h),
              p -> ConsentPolicy.allows(consent.consents(run.profileId()), p));
        } catch (SegmentaException e) {
          return new Outcome("campaign arbitration failed: " + e.getMessage(), false);
        }
        if (won.isEmpty()) {
          return new Outcome("campaign: no campaign's e-mail is this person's", false);
        }
        if (!j.templates().containsKey(won.get().emailTemplate())) {
          return new Outcome("campaign " + won.get().key() + " is this person's, and this journey has no template " + won.get().emailTemplate(), false);
        }
        template = won.get().emailTemplate();
      }
    }
    EmailTemplate t = j.templates().get(template);
    String unsubscribe = unsubscribeUrl.apply(run.profileId());
    EmailRenderer.Email email;
    try {
      email = renderer.render(t, recipient(j, run, h, evaluator, segments, unsubscribe, t.recommendations()));
    } catch (SegmentaException e) {
      return new Outcome("template failed: " + e.getMessage(), false);
    }
    if (state.isEmpty()) {
      pending.claim(key, j.key(), run.profileId(), JourneyEngine.CHANNEL, now);
    } else {
      pending.flush();
    }
    String html = email.html().contains(unsubscribe) ? email.html()
        : email.html() + "\n<p style=\"font-size:small\"><a href=\"" + unsubscribe + "\">Unsubscribe</a></p>";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("List-Unsubscribe", "<" + unsubscribe + ">");
    headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    channels.mailer().send(new Mailer.Message(messageId(key), to, email.subject(), html, headers));
    log.sent(key, clock.instant());
    return new Outcome("sent", true);
  }

  /** Calls one webhook. Throws when delivery failed. */
  Outcome webhook(Journey j, Run run, Step.Webhook w, Instant now, PendingChanges pending) {
    String key = key(j, run, w.id());
    Optional<SendState> state = log.send(key);
    if (state.isPresent() && state.get() == SendState.SENT) {
      return new Outcome("sent_before_restart", false);
    }
    if (channels.webhooks() == null) {
      return new Outcome("no webhook transport configured", false);
    }
    if (state.isEmpty()) {
      pending.claim(key, j.key(), run.profileId(), "webhook", now);
    } else {
      pending.flush();
    }
    String body = "{\"journey\":" + quote(j.key()) + ",\"version\":" + run.version() + ",\"step\":" + quote(w.id()) + ",\"profile_id\":"
        + quote(run.profileId()) + ",\"entry\":" + run.entry() + ",\"key\":" + quote(key) + ",\"at\":" + quote(now.toString()) + "}";
    channels.webhooks().post(w.url(), key, body.getBytes(StandardCharsets.UTF_8));
    log.sent(key, clock.instant());
    return new Outcome("sent", true);
  }

  /** A JSON string (RFC 8259: quote, backslash and control characters escaped). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private EmailRenderer.Recipient recipient(Journey j, Run run, ProfileHistory h, Evaluator evaluator, Segments segments, String unsubscribe,
      int recommendations) {
    Map<String, Value> traits = new LinkedHashMap<>(h.profile().traits());
    for (Map.Entry<String, Measure> c : ComputedTraits.all().entrySet()) {
      Value v = evaluator.measure(c.getValue(), h);
      if (!v.isNull()) {
        traits.put(c.getKey(), v);
      }
    }
    traits.put("unsubscribe_url", Value.of(unsubscribeUrl.apply(run.profileId())));
    List<String> in = new ArrayList<>();
    for (SegmentDefinition s : segmentDefinitions.all()) {
      if (evaluator.matches(segments.ruleOf(s.name()), h)) {
        in.add(s.name());
      }
    }
    List<Recommendations.Item> items = recommendations == 0 || channels.recommendations() == null ? List.of()
        : channels.recommendations().recommend(run.profileId(), triggering(j, run, h), recommendations);
    return new EmailRenderer.Recipient(h.profile().id(), traits, in, items);
  }

  /**
   * The products of the event that triggered the run (the latest event of the trigger's type at or before the
   * entry), as a checkout the recommender reads: it then recommends what is bought together with that order.
   */
  static List<Click> triggering(Journey j, Run run, ProfileHistory h) {
    if (!(j.trigger() instanceof Trigger.OnEvent t) || run.enteredAt() == null) {
      return List.of();
    }
    Event found = null;
    for (Event e : h.events()) {
      if (e.type().equals(t.eventType()) && !e.timestamp().isAfter(run.enteredAt()) && (found == null || e.timestamp().isAfter(found.timestamp()))) {
        found = e;
      }
    }
    if (found == null) {
      return List.of();
    }
    List<Click> out = new ArrayList<>();
    for (String product : products(found)) {
      out.add(new Click(found.timestamp(), Click.Kind.CHECKOUT, null, product));
    }
    return out;
  }

  private static List<String> products(Event e) {
    List<String> out = new ArrayList<>();
    Value id = e.properties().get("product_id");
    if (id instanceof Value.Str s) {
      out.add(s.value());
    }
    e.lines().forEach(l -> {
      if (l.productId() != null) {
        out.add(l.productId());
      }
    });
    return out;
  }

  static String address(ProfileHistory h) {
    for (Identifier i : h.profile().identifiers()) {
      if (i.kind().equals("email")) {
        return i.value();
      }
    }
    Value v = h.profile().traits().get("email");
    return v instanceof Value.Str s && s.value().contains("@") ? s.value() : null;
  }

  /** A Message-ID from the idempotency key (hashed: no profile id in a header). */
  static String messageId(String key) {
    return "<" + HexFormat.of().formatHex(sha256(key), 0, 16) + "@journeys.segmenta>";
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
