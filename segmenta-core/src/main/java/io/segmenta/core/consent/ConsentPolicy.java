package io.segmenta.core.consent;

import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one consent rule: whether a person's recorded choices allow a purpose. Every reader asks it — the store's
 * SQL (exports, profile rows, counts), the decision index, e-mail recipients and the admin views — so they agree.
 *
 * <p>Why this rule. A purpose's effective choice is its <em>latest</em> one (GDPR art. 7(3): consent may be
 * withdrawn at any time, and a later grant gives it again). Two choices of one purpose at the <em>same instant</em>
 * (a consent banner that sends a grant and a withdrawal in one page view, two sources whose clocks agree to the
 * millisecond) are a tie, and <strong>the withdrawal wins</strong>: the regulation puts the burden of proof on the
 * controller (art. 7(1)), so when we cannot say which came last we must not claim a grant. Recording order is
 * deliberately not used: a replayed journal, a CSV import and a merge of two profiles all re-record choices in
 * another order than they were made. Without any choice, an opt-in purpose is refused and an opt-out purpose
 * (analytics on legitimate interest, art. 6(1)(f)) is allowed: {@link Purpose#optIn}.
 *
 * <p>SQL engines get the same rule as an ordering ({@link #sqlLatestFirst}) and a default
 * ({@link #sqlAllowed}), both standard SQL: {@code FALSE} sorts before {@code TRUE}.
 */
public final class ConsentPolicy {
  /** The order in which choices take effect: by instant, and at one instant a grant before a withdrawal. */
  public static final Comparator<ConsentRecord> EFFECT_ORDER =
      Comparator.comparing(ConsentRecord::at).thenComparing(ConsentRecord::granted, Comparator.reverseOrder());

  private ConsentPolicy() {}

  /** The choice in effect for {@code purpose} among {@code history} (in any order), if any was recorded. */
  public static Optional<ConsentRecord> effective(Collection<ConsentRecord> history, Purpose purpose) {
    return history.stream().filter(c -> c.purpose() == purpose).max(EFFECT_ORDER);
  }

  /**
   * The {@code choices} a ledger records, in effect order, given the profile's recorded {@code history} (in any
   * order): the ledger keeps changes only, so a choice equal to its purpose's latest one (the effective one among the
   * history and the choices recorded before it) is not repeated. A choice older than the latest one is still recorded
   * when it differs (a replayed journal brings old choices; the history keeps what was said), and it changes nothing
   * that is allowed, since the latest one still decides. A store that keeps instants coarser than {@link Instant}'s
   * truncates the choices first, so that their order here is the order it will read.
   */
  public static List<ConsentRecord> changes(Collection<ConsentRecord> history, Collection<ConsentRecord> choices) {
    Map<Purpose, ConsentRecord> latest = new EnumMap<>(Purpose.class);
    for (ConsentRecord c : history) {
      latest.merge(c.purpose(), c, (a, b) -> EFFECT_ORDER.compare(a, b) >= 0 ? a : b);
    }
    List<ConsentRecord> sorted = new ArrayList<>(choices);
    sorted.sort(EFFECT_ORDER);
    List<ConsentRecord> out = new ArrayList<>();
    for (ConsentRecord c : sorted) {
      ConsentRecord l = latest.get(c.purpose());
      if (l != null && l.granted() == c.granted()) {
        continue;
      }
      out.add(c);
      latest.put(c.purpose(), l == null || EFFECT_ORDER.compare(c, l) > 0 ? c : l);
    }
    return out;
  }

  /** Whether {@code history} (in any order) allows {@code purpose}. */
  public static boolean allows(Collection<ConsentRecord> history, Purpose purpose) {
    return allowed(purpose, effective(history, purpose).map(ConsentRecord::granted).orElse(null));
  }

  /** Whether {@code purpose} is allowed given its effective choice ({@code null}: none recorded). */
  public static boolean allowed(Purpose purpose, Boolean effective) {
    return effective == null ? !purpose.optIn : effective;
  }

  /** Every purpose and whether {@code history} allows it, in declaration order. */
  public static Map<Purpose, Boolean> allowedAll(Collection<ConsentRecord> history) {
    Map<Purpose, Boolean> out = new EnumMap<>(Purpose.class);
    for (Purpose p : Purpose.values()) {
      out.put(p, allows(history, p));
    }
    return out;
  }

  /**
   * An unknown visitor (no profile, so no recorded choice): what the page says ({@code stated}, null: nothing)
   * decides; without it, an identified visitor follows the purpose's default and an anonymous one is treated as
   * opted out of nothing but their own session (the page's clicks personalize it unless they declined).
   */
  public static boolean visitorAllows(Purpose purpose, Boolean stated, boolean identified) {
    if (stated != null) {
      return stated;
    }
    return identified ? !purpose.optIn : true;
  }

  /**
   * The SQL ordering that puts a purpose's effective choice first among its rows, given the columns of the
   * instant and of the grant: {@code at DESC, granted ASC} (a withdrawal before a grant at one instant).
   */
  public static String sqlLatestFirst(String at, String granted) {
    return at + " DESC, " + granted + " ASC";
  }

  /** The SQL truth value of {@code purpose} being allowed, given an expression of the effective grant (NULL: none). */
  public static String sqlAllowed(Purpose purpose, String effectiveGranted) {
    return "COALESCE(" + effectiveGranted + ", " + !purpose.optIn + ")";
  }
}
