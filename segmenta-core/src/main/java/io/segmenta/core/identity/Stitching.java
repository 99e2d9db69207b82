package io.segmenta.core.identity;

import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Identities;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.port.Profiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When two profiles turn out to be one person, and when not. After a batch is written, each profile in it is
 * checked against the others:
 * <ul>
 *   <li>an alias whose previous id is itself a known profile (a customer who had an account under another id):
 *       that profile is merged into the new one;</li>
 *   <li>an e-mail or phone number that another profile holds: the other profile is merged into this one (the
 *       profile the message is about survives, so the client's id keeps working).</li>
 * </ul>
 * Traits merge with the survivor's values winning; events, identifiers, consent and membership history move; the
 * merge log says which identifiers moved, when and why. Guard rail: an identifier that has already caused
 * {@link #MAX_MERGES_PER_IDENTIFIER} merges is shared (a test address, a family's e-mail, a shop's own phone):
 * further merges on it are refused and logged as refused, so one address cannot pull every customer into one
 * profile.
 */
public final class Stitching {
  public static final int MAX_MERGES_PER_IDENTIFIER = 3;
  static final Set<String> MATCHING_KINDS = Set.of("email", "phone");

  private Stitching() {}

  /** Merges what the batch's profiles reveal; returns the log entries written (merges and refusals). */
  public static List<MergeRecord> apply(Profiles people, Identities identities, List<Profile> profiles, Instant at) {
    List<MergeRecord> out = new ArrayList<>();
    // The holders of every e-mail and phone of the batch in one read, valid until the first merge or refusal changes
    // them; from then on each identifier is read again (rare: a batch of new customers merges nothing).
    List<Identifier> matching = new ArrayList<>();
    for (Profile p : profiles) {
      for (Identifier i : p.identifiers()) {
        if (MATCHING_KINDS.contains(i.kind())) {
          matching.add(i);
        }
      }
    }
    Map<Identifier, List<String>> read = matching.isEmpty() ? Map.of() : identities.holders(matching);
    for (Profile p : profiles) {
      for (Identifier i : p.identifiers()) {
        if (i.kind().equals("anonymous_id")) {
          if (!i.value().equals(p.id()) && people.history(i.value()).isPresent()) {
            out.add(identities.merge(p.id(), i.value(), "alias: '" + i.value() + "' is '" + p.id() + "'", at));
          }
        } else if (MATCHING_KINDS.contains(i.kind())) {
          List<String> holders = out.isEmpty() ? read.get(i) : identities.holders(i.kind(), i.value());
          String other = holders.stream().filter(id -> !id.equals(p.id())).findFirst().orElse(null);
          if (other == null) {
            continue;
          }
          long before = identities.merges(null).stream().filter(m -> m.applied() && m.identifiers().contains(i)).count();
          if (before >= MAX_MERGES_PER_IDENTIFIER) {
            MergeRecord refused = new MergeRecord(p.id(), other, List.of(i), at,
                "refused: " + i.kind() + " already merged " + before + " profiles; treated as shared", false);
            identities.refuseMerge(refused);
            out.add(refused);
          } else {
            out.add(identities.merge(p.id(), other, "same " + i.kind(), at));
          }
        }
      }
    }
    return out;
  }
}
