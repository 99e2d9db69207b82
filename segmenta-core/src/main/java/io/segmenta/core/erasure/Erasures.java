package io.segmenta.core.erasure;

import io.segmenta.core.UserException;
import io.segmenta.core.identity.MergeClosure;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.Erasure;
import io.segmenta.core.port.Identities;
import io.segmenta.core.port.Profiles;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Erasure of a person (GDPR art. 17), the one use case the CLI ({@code segmenta profile erase}) and the admin API
 * ({@code DELETE /admin/profiles/{id}}) both run, and the one call site an "erased" lifecycle event is published from.
 *
 * <p>Why in this order. The person is every profile the merge log ties to the named ones ({@link MergeClosure}): a
 * merged-away id that came back is the same person. What the running server holds beside the store (the real-time
 * feed's state and unwritten membership history, the decision index, sessions and unwritten exposures, the queued
 * webhook deliveries) is told to forget them before the rows go, so nothing is written back after, and again after,
 * so nothing read meanwhile stays. The store then deletes the rows: profiles with their traits and scores,
 * identifiers, events (also those under the person's anonymous ids), order lines, consents, membership history, kept
 * aggregates, merge-log entries and violation examples holding their identifiers ({@link Profiles#erase}).
 */
public final class Erasures {
  /** Something beside the store that holds data about people and must forget an erased one. */
  @FunctionalInterface
  public interface Holder {
    void forget(Set<String> profileIds, Set<String> anonymousIds);
  }

  /** Who was erased (every profile id of the person, and their anonymous ids) and what the store removed. */
  public record Outcome(Set<String> profileIds, Set<String> anonymousIds, Erasure erasure) {
    public Outcome {
      profileIds = Set.copyOf(profileIds);
      anonymousIds = Set.copyOf(anonymousIds);
    }
  }

  private final Profiles profiles;
  private final Identities identities;
  private final List<Holder> holders;

  /** An erasure over the store, telling {@code holders} (none for the CLI, which runs with no server) to forget. */
  public Erasures(Profiles profiles, Identities identities, List<Holder> holders) {
    this.profiles = Objects.requireNonNull(profiles, "profiles");
    this.identities = Objects.requireNonNull(identities, "identities");
    this.holders = List.copyOf(holders);
  }

  /**
   * The existing profiles a key names: the profile of that id, or with {@code kind} (an identifier kind such as
   * {@code email}) every profile holding that identifier; empty when there is none.
   */
  public List<String> named(String key, String kind) {
    if (kind != null) {
      return identities.holders(kind.toLowerCase(Locale.ROOT), key);
    }
    return profiles.history(key).isPresent() ? List.of(key) : List.of();
  }

  /** Erases the person the key names (see {@link #named}); a key naming nobody is refused, naming the key's kind. */
  public Outcome erase(String key, String kind) {
    List<String> named = named(key, kind);
    if (named.isEmpty()) {
      throw new UserException(kind == null ? "there is no such profile" : "no profile has that " + kind);
    }
    return erase(named);
  }

  /** Erases the person of the given existing profiles, and every profile merged with them either way. */
  public Outcome erase(Collection<String> named) {
    Set<String> person = MergeClosure.of(identities, named);
    Set<String> anonymous = new TreeSet<>();
    for (String id : person) {
      profiles.history(id).ifPresent(h -> h.profile().identifiers().stream().filter(i -> i.kind().equals("anonymous_id"))
          .map(Identifier::value).forEach(anonymous::add));
    }
    holders.forEach(h -> h.forget(person, anonymous));
    Erasure e = profiles.erase(person);
    holders.forEach(h -> h.forget(person, anonymous));
    return new Outcome(person, anonymous, e);
  }
}
