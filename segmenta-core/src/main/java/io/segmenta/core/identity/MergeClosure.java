package io.segmenta.core.identity;

import io.segmenta.core.port.Identities;
import io.segmenta.core.port.MergeRecord;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The profile ids of one person, as the merge log knows them: the given ids and every id reachable from them
 * through applied merges, either way and transitively (a profile merged into one of them, the one it was merged
 * into, and so on). What an erasure must cover: a merged-away id comes back as a profile of its own when a client
 * keeps sending it after the merge, and it is the same person. Refused merges are not followed: they record that
 * two profiles were judged to be different people (a shared address).
 */
public final class MergeClosure {
  private MergeClosure() {}

  /** The ids, existing profiles or not, in the order they are reached (the given ones first). */
  public static Set<String> of(Identities identities, Collection<String> profileIds) {
    Set<String> ids = new LinkedHashSet<>(profileIds);
    Deque<String> todo = new ArrayDeque<>(profileIds);
    while (!todo.isEmpty()) {
      for (MergeRecord m : identities.merges(todo.poll())) {
        if (m.applied()) {
          for (String id : new String[] {m.survivorId(), m.mergedId()}) {
            if (ids.add(id)) {
              todo.add(id);
            }
          }
        }
      }
    }
    return ids;
  }
}
