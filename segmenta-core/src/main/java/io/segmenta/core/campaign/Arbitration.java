package io.segmenta.core.campaign;

import io.segmenta.core.privacy.Purpose;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one decision of which campaign a person gets, asked by the decision API, ad audiences and journeys' e-mails, so
 * one person meets one message everywhere.
 *
 * <p>Why this rule. Campaigns are ranked by priority (higher first; equal priorities by key, so the order never
 * depends on storage). A person gets the first campaign whose segment they are in and of whose channels their
 * consent allows at least one: a campaign they could never be shown must not hide a lower one. The decision does
 * not depend on the channel asking; a channel whose purpose the person refused shows nothing of the winner rather
 * than another campaign, which is what keeps the message one ("wholeness").
 */
public final class Arbitration {
  public static final Comparator<Campaign> ORDER = Comparator.comparingInt(Campaign::priority).reversed().thenComparing(Campaign::key);

  private final List<Campaign> ranked;

  public Arbitration(List<Campaign> campaigns) {
    this.ranked = campaigns.stream().sorted(ORDER).toList();
  }

  /** The campaigns in the order they are tried. */
  public List<Campaign> ranked() {
    return ranked;
  }

  /** The campaign of a person: {@code inSegment} answers their membership by segment name, {@code allows} their consent. */
  public Optional<Campaign> decide(Predicate<String> inSegment, Predicate<Purpose> allows) {
    for (Campaign c : ranked) {
      if (inSegment.test(c.segment()) && eligible(c, allows)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Whether consent allows any channel of the campaign. */
  public static boolean eligible(Campaign c, Predicate<Purpose> allows) {
    return c.channels().stream().anyMatch(ch -> allows.test(ch.purpose));
  }

  /** What a channel shows of a person's campaign: the winner's variant only if its channel is allowed, else nothing. */
  public Optional<Campaign> forChannel(Campaign.Channel channel, Predicate<String> inSegment, Predicate<Purpose> allows) {
    return decide(inSegment, allows).filter(c -> c.channels().contains(channel) && allows.test(channel.purpose));
  }
}
