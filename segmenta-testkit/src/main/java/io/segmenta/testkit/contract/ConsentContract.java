package io.segmenta.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consent ledger's batch write ({@code ConsentLedger.recordConsents}) must record what recording each profile's
 * choices one after the other records (repeats of a purpose's latest choice left out, new profiles created, choices
 * older than the stored ones, ties at one instant), and all of it or, when the write fails, nothing.
 */
public abstract class ConsentContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final Purpose[] PURPOSES = {Purpose.EMAIL_MARKETING, Purpose.ADVERTISING, Purpose.PERSONALIZATION};

  @TempDir
  protected Path dir;

  @Test
  void recordConsents_randomChoices_sameHistoriesAsOneByOne() {
    SplittableRandom r = new SplittableRandom(16);
    try (Store batched = open(dir.resolve("batched")); Store single = open(dir.resolve("single"))) {
      // Half the profiles exist before their first choice, the other half are created by it.
      List<Profile> known = new ArrayList<>();
      for (int i = 0; i < 40; i += 2) {
        known.add(new Profile("p" + i, List.of(), Map.of()));
      }
      write(batched, new Batch(known, List.of()));
      write(single, new Batch(known, List.of()));
      Map<String, List<ConsentRecord>> model = new HashMap<>();
      for (int round = 0; round < 4; round++) {
        Map<String, List<ConsentRecord>> choices = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
          if (r.nextInt(4) > 0) {
            choices.put("p" + i, choices(r));
          }
        }
        batched.consent().recordConsents(choices);
        choices.forEach(single.consent()::recordConsent);
        choices.forEach((id, c) -> model(model.computeIfAbsent(id, k -> new ArrayList<>()), c));
        for (int i = 0; i < 40; i++) {
          assertEquals(inOrder(single.consent().consents("p" + i)), inOrder(batched.consent().consents("p" + i)), "p" + i + " after round " + round);
          assertEquals(inOrder(model.getOrDefault("p" + i, List.of())), inOrder(batched.consent().consents("p" + i)), "p" + i + " after round " + round);
        }
      }
      assertEquals(profileIds(single), profileIds(batched));
    }
  }

  @Test
  void recordConsents_repeatedChoice_recordedOnce() {
    try (Store store = open(dir)) {
      store.consent().recordConsents(Map.of("a", List.of(choice(Purpose.EMAIL_MARKETING, true, 0)),
          "b", List.of(choice(Purpose.EMAIL_MARKETING, false, 0))));
      store.consent().recordConsents(Map.of("a", List.of(choice(Purpose.EMAIL_MARKETING, true, 60), choice(Purpose.EMAIL_MARKETING, false, 120)),
          "b", List.of(choice(Purpose.EMAIL_MARKETING, false, 60))));
      assertEquals(List.of(choice(Purpose.EMAIL_MARKETING, true, 0), choice(Purpose.EMAIL_MARKETING, false, 120)), store.consent().consents("a"));
      assertEquals(List.of(choice(Purpose.EMAIL_MARKETING, false, 0)), store.consent().consents("b"));
      assertFalse(ConsentPolicy.allows(store.consent().consents("a"), Purpose.EMAIL_MARKETING));
    }
  }

  @Test
  void recordConsents_newProfiles_created() {
    try (Store store = open(dir)) {
      store.consent().recordConsents(Map.of("new-1", List.of(choice(Purpose.EMAIL_MARKETING, true, 0)), "new-2", List.of()));
      assertEquals(List.of("new-1"), profileIds(store), "a profile given no choice is left alone");
      assertTrue(history(store, "new-1").isPresent());
      assertTrue(ConsentPolicy.allows(store.consent().consents("new-1"), Purpose.EMAIL_MARKETING));
    }
  }

  @Test
  void recordConsents_oneChoiceFails_nothingRecorded() {
    try (Store store = open(dir)) {
      write(store, new Batch(List.of(new Profile("known", List.of(), Map.of())), List.of()));
      Map<String, List<ConsentRecord>> choices = new LinkedHashMap<>();
      choices.put("known", List.of(choice(Purpose.EMAIL_MARKETING, true, 0)));
      choices.put("fresh", List.of(choice(Purpose.ADVERTISING, true, 0)));
      // No store keeps a time 300,000 years ahead (DuckDB's timestamps end in the year 294,247).
      choices.put("late", List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true,
          LocalDateTime.of(300_000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC), "contract")));
      assertThrows(RuntimeException.class, () -> store.consent().recordConsents(choices));
      assertEquals(List.of(), store.consent().consents("known"));
      assertEquals(List.of(), store.consent().consents("fresh"));
      assertEquals(List.of("known"), profileIds(store));
    }
  }

  /**
   * The ledger as the rule reads, apart from any store: the choices taken in effect order, each kept unless it
   * equals its purpose's effective choice among those kept so far.
   */
  private static void model(List<ConsentRecord> kept, List<ConsentRecord> choices) {
    List<ConsentRecord> sorted = new ArrayList<>(choices);
    sorted.sort(ConsentPolicy.EFFECT_ORDER);
    for (ConsentRecord c : sorted) {
      Optional<ConsentRecord> latest = ConsentPolicy.effective(kept, c.purpose());
      if (latest.isEmpty() || latest.get().granted() != c.granted()) {
        kept.add(c);
      }
    }
  }

  /** A history in one total order (a store orders by instant and purpose only). */
  private static List<ConsentRecord> inOrder(List<ConsentRecord> history) {
    List<ConsentRecord> out = new ArrayList<>(history);
    out.sort(Comparator.comparing(ConsentRecord::at).thenComparing(ConsentRecord::purpose).thenComparing(ConsentRecord::granted));
    return out;
  }

  /** One to four choices, often the same purpose and value again, sometimes older than earlier rounds, sometimes tied. */
  private static List<ConsentRecord> choices(SplittableRandom r) {
    List<ConsentRecord> out = new ArrayList<>();
    for (int n = 1 + r.nextInt(4); n > 0; n--) {
      out.add(choice(PURPOSES[r.nextInt(PURPOSES.length)], r.nextBoolean(), 60L * r.nextInt(6)));
    }
    return out;
  }

  private static ConsentRecord choice(Purpose purpose, boolean granted, long seconds) {
    return new ConsentRecord(purpose, granted, T.plusSeconds(seconds), "contract");
  }
}
