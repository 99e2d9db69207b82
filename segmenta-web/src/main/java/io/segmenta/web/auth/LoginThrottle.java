package io.segmenta.web.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing: failed logins are counted per account and per client address over a sliding
 * {@link #WINDOW}; past {@code perAccount} failures for an account, or {@code perAddress} from an address, logins of
 * that account or from that address are refused until the oldest failure leaves the window. Counting by account stops
 * one account being guessed from many addresses; by address, many accounts from one. A success clears the account's
 * failures. Checked before the password is hashed, so a refused attempt costs the server nothing.
 *
 * <p>The memory is bounded: at most {@link #MAX_KEYS} accounts and addresses are tracked, the least recently failed
 * forgotten first.
 */
public final class LoginThrottle {
  public static final Duration WINDOW = Duration.ofMinutes(15);
  static final int MAX_KEYS = 10_000;

  private final Clock clock;
  private final int perAccount;
  private final int perAddress;
  private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true);

  public LoginThrottle(Clock clock, int perAccount, int perAddress) {
    if (perAccount < 1 || perAddress < 1) {
      throw new IllegalArgumentException("login limits must be at least 1, got " + perAccount + " per account and " + perAddress + " per address");
    }
    this.clock = clock;
    this.perAccount = perAccount;
    this.perAddress = perAddress;
  }

  /** Five failures per account and twenty per address in fifteen minutes. */
  public static LoginThrottle standard(Clock clock) {
    return new LoginThrottle(clock, 5, 20);
  }

  /** How long until this account may try again from this address; empty when it may try now. */
  public synchronized Optional<Duration> refused(String account, String address) {
    Instant now = clock.instant();
    Duration a = wait(key("account", account), perAccount, now);
    Duration b = wait(key("address", address), perAddress, now);
    Duration longest = a.compareTo(b) >= 0 ? a : b;
    return longest.isZero() ? Optional.empty() : Optional.of(longest);
  }

  public synchronized void failed(String account, String address) {
    Instant now = clock.instant();
    add(key("account", account), now);
    add(key("address", address), now);
  }

  public synchronized void succeeded(String account) {
    failures.remove(key("account", account));
  }

  private Duration wait(String key, int limit, Instant now) {
    Deque<Instant> d = failures.get(key);
    if (d == null) {
      return Duration.ZERO;
    }
    while (!d.isEmpty() && !now.isBefore(d.peekFirst().plus(WINDOW))) {
      d.pollFirst();
    }
    if (d.isEmpty()) {
      failures.remove(key);
      return Duration.ZERO;
    }
    if (d.size() < limit) {
      return Duration.ZERO;
    }
    // The attempt that would be allowed next is when enough old failures have left the window.
    Instant free = d.stream().skip(d.size() - limit).findFirst().orElseThrow().plus(WINDOW);
    return Duration.between(now, free);
  }

  private void add(String key, Instant now) {
    Deque<Instant> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    d.addLast(now);
    // Only the newest `limit` failures decide a wait.
    if (d.size() > Math.max(perAccount, perAddress)) {
      d.pollFirst();
    }
    if (failures.size() > MAX_KEYS) {
      failures.remove(failures.keySet().iterator().next());
    }
  }

  private static String key(String kind, String value) {
    return kind + ":" + (value == null ? "" : value);
  }
}
