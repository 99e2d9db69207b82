package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The histories of many profiles read at once (what a journey tick reads for its due runs) on a real DuckDB file: the
 * same answer as one {@code history} per person, order lines on their own events, absent ids left out.
 */
class ProfileHistoriesTest {
  private static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

  @TempDir
  Path dir;

  @Test
  void histories_manyProfiles_sameAsOneByOne_absentIdsLeftOut() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir, "300MB", 1, Map.of()))) {
      Random r = new Random(16);
      List<Profile> people = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < 1_300; i++) {
        people.add(new Profile("u-" + i, List.of(new Identifier("email", "u" + i + "@example.com")), Map.of()));
        for (int e = r.nextInt(4); e > 0; e--) {
          events.add(new Event("o-" + i + "-" + e, "u-" + i, null, "order", T.plusSeconds(r.nextInt(10_000)), Map.of("revenue", Value.of(r.nextInt(90))),
              List.of(new OrderLine("p-" + r.nextInt(20), null, "socks", 1 + r.nextInt(3), 5, 0))));
        }
      }
      s.profiles().write(new Batch(people, events));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 1_300; i += 1 + r.nextInt(2)) {
        ids.add("u-" + i);
      }
      ids.add("nobody");
      Map<String, ProfileHistory> all = s.profiles().histories(ids);
      assertEquals(ids.size() - 1, all.size());
      assertFalse(all.containsKey("nobody"));
      int withEvents = 0;
      for (String id : ids.subList(0, ids.size() - 1)) {
        ProfileHistory one = s.profiles().history(id).orElseThrow();
        assertEquals(one, all.get(id), id);
        withEvents += one.events().isEmpty() ? 0 : 1;
      }
      assertFalse(withEvents == 0, "no profile had events: the comparison says nothing");
    }
  }
}
