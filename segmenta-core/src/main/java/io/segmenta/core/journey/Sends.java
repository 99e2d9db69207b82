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
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sends of journey steps, e-mails and webhook calls, each at most once per idempotency key (journey, version,
 * profile, step, entry): a send is decided here ({@link Decision}) and claimed, delivered and marked sent by the
 * tick's rounds ({@code StepRounds}); a key found sent is not delivered again ("sent_before_restart"), a key found
 * pending (the process stopped between claim and mark) is delivered again under the same key, so the Message-ID or
 * the webhook's Idempotency-Key lets the receiver drop a copy. Consent and frequency caps are decided at the moment
 * of sending, against {@link Reads} of the whole chunk taken just before its claim.
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
  private final EmailRenderer renderer = new EmailRenderer();
  private final Definitions<Campaign> campaigns;

  Sends(ConsentLedger consent, Definitions<SegmentDefinition> segmentDefinitions, JourneyLog log, JourneyEngine.Channels channels,
      Function<String, String> unsubscribeUrl, Definitions<Campaign> campaigns) {
    this.campaigns = campaigns;
    this.consent = consent;
    this.segmentDefinitions = segmentDefinitions;
    this.log = log;
    this.channels = channels;
    this.unsubscribeUrl = unsubscribeUrl;
  }

  static String key(Journey j, Run run, String step) {
    return String.join("/", j.key(), Integer.toString(run.version()), run.profileId(), step, Integer.toString(run.entry()));
  }

  /** A send decided at its step and not yet delivered: its key, to claim unless {@code claimed} (pending since before a restart), then its delivery. */
  record Planned(String key, String journey, String profileId, String channel, boolean claimed, Runnable delivery) {
    JourneyLog.Claim claim(Instant at) {
      return new JourneyLog.Claim(key, journey, profileId, channel, at);
    }
  }

  /** What a send step decided: skipped or already sent ({@code outcome}, {@code planned} null), or {@code planned}. */
  record Decision(Outcome outcome, Planned planned) {
    static Decision skip(String result) {
      return new Decision(new Outcome(result, false), null);
    }
  }

  /**
   * What a chunk's sends are decided against, read together just before they are claimed: the keys' states, the
   * consent of the people e-mailed, their e-mails since the longest cap's period, and the e-mails planned in this
   * chunk. Why planned ones count: two sends to one person in one chunk are decided before either is delivered, so
   * the second must see the first, or a cap of one would let both go. A planned e-mail whose delivery then fails was
   * counted all the same: the cap errs on the side of sending less.
   */
  static final class Reads {
    private final Map<String, SendState> states;
    private final Map<String, List<ConsentRecord>> consents;
    private final Map<String, List<Instant>> sent;
    private final Map<String, List<Instant>> planned = new HashMap<>();

    Reads(Map<String, SendState> states, Map<String, List<ConsentRecord>> consents, Map<String, List<Instant>> sent) {
      this.states = states;
      this.consents = consents;
      this.sent = sent;
    }

    Optional<SendState> state(String key) {
      return Optional.ofNullable(states.get(key));
    }

    List<ConsentRecord> consents(String profileId) {
      return consents.getOrDefault(profileId, List.of());
    }

    int sentSince(String profileId, Instant since) {
      int n = 0;
      for (Instant at : sent.getOrDefault(profileId, List.of())) {
        n += at.isBefore(since) ? 0 : 1;
      }
      for (Instant at : planned.getOrDefault(profileId, List.of())) {
        n += at.isBefore(since) ? 0 : 1;
      }
      return n;
    }

    void plan(String profileId, Instant at) {
      planned.computeIfAbsent(profileId, k -> new ArrayList<>()).add(at);
    }
  }

  /**
   * Reads what the sends of a chunk are decided against: {@code keys} of every send step, {@code emailed} the people
   * at an e-mail step, {@code capPeriod} the longest frequency cap among their journeys (null: none).
   */
  Reads read(Collection<String> keys, Collection<String> emailed, Duration capPeriod, Instant now) {
    Map<String, SendState> s = keys.isEmpty() ? Map.of() : log.sends(keys);
    Map<String, List<ConsentRecord>> c = emailed.isEmpty() ? Map.of() : consent.consents(emailed);
    Map<String, List<Instant>> t = emailed.isEmpty() || capPeriod == null ? Map.of() : log.sentTimes(emailed, JourneyEngine.CHANNEL, now.minus(capPeriod));
    return new Reads(s, c, t);
  }

  /** Decides one e-mail: consent, address, caps and template now, against {@code reads}; delivery comes after the chunk's claim. */
  Decision email(Journey j, Run run, Step.SendEmail m, ProfileHistory h, Evaluator evaluator, Function<String, Rule> rules, Instant now, Reads reads) {
    String key = key(j, run, m.id());
    Optional<SendState> state = reads.state(key);
    if (state.isPresent() && state.get() == SendState.SENT) {
      return Decision.skip("sent_before_restart");
    }
    if (channels.mailer() == null) {
      return Decision.skip("no mail transport configured");
    }
    List<ConsentRecord> given = reads.consents(run.profileId());
    if (!ConsentPolicy.allows(given, Purpose.EMAIL_MARKETING)) {
      return Decision.skip("no e-mail marketing consent");
    }
    String to = address(h);
    if (to == null) {
      return Decision.skip("no e-mail address");
    }
    for (Journey.FrequencyCap cap : j.caps()) {
      if (reads.sentSince(run.profileId(), now.minus(cap.per())) >= cap.max()) {
        return Decision.skip("frequency cap: " + cap.max() + " per " + cap.per());
      }
    }
    String template = m.template();
    if (campaigns != null) {
      List<Campaign> all = campaigns.all();
      if (all.stream().anyMatch(c -> m.template().equals(c.emailTemplate()))) {
        Optional<Campaign> won;
        try {
          won = new Arbitration(all).forChannel(Campaign.Channel.EMAIL, segment -> evaluator.matches(rules.apply(segment), h),
              p -> ConsentPolicy.allows(given, p));
        } catch (SegmentaException e) {
          return Decision.skip("campaign arbitration failed: " + e.getMessage());
        }
        if (won.isEmpty()) {
          return Decision.skip("campaign: no campaign's e-mail is this person's");
        }
        if (!j.templates().containsKey(won.get().emailTemplate())) {
          return Decision.skip("campaign " + won.get().key() + " is this person's, and this journey has no template " + won.get().emailTemplate());
        }
        template = won.get().emailTemplate();
      }
    }
    EmailTemplate t = j.templates().get(template);
    String unsubscribe = unsubscribeUrl.apply(run.profileId());
    EmailRenderer.Email email;
    try {
      email = renderer.render(t, recipient(j, run, h, evaluator, rules, unsubscribe, t.recommendations()));
    } catch (SegmentaException e) {
      return Decision.skip("template failed: " + e.getMessage());
    }
    String html = email.html().contains(unsubscribe) ? email.html()
        : email.html() + "\n<p style=\"font-size:small\"><a href=\"" + unsubscribe + "\">Unsubscribe</a></p>";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("List-Unsubscribe", "<" + unsubscribe + ">");
    headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    Mailer.Message message = new Mailer.Message(messageId(key), to, email.subject(), html, headers);
    Mailer mailer = channels.mailer();
    reads.plan(run.profileId(), now);
    return new Decision(null, new Planned(key, j.key(), run.profileId(), JourneyEngine.CHANNEL, state.isPresent(), () -> mailer.send(message)));
  }

  /** Decides one webhook call against {@code reads}; delivery comes after the chunk's claim. */
  Decision webhook(Journey j, Run run, Step.Webhook w, Instant now, Reads reads) {
    String key = key(j, run, w.id());
    Optional<SendState> state = reads.state(key);
    if (state.isPresent() && state.get() == SendState.SENT) {
      return Decision.skip("sent_before_restart");
    }
    if (channels.webhooks() == null) {
      return Decision.skip("no webhook transport configured");
    }
    String body = "{\"journey\":" + quote(j.key()) + ",\"version\":" + run.version() + ",\"step\":" + quote(w.id()) + ",\"profile_id\":"
        + quote(run.profileId()) + ",\"entry\":" + run.entry() + ",\"key\":" + quote(key) + ",\"at\":" + quote(now.toString()) + "}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    WebhookPoster poster = channels.webhooks();
    return new Decision(null, new Planned(key, j.key(), run.profileId(), "webhook", state.isPresent(), () -> poster.post(w.url(), key, bytes)));
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

  private EmailRenderer.Recipient recipient(Journey j, Run run, ProfileHistory h, Evaluator evaluator, Function<String, Rule> rules, String unsubscribe,
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
      if (evaluator.matches(rules.apply(s.name()), h)) {
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
