package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.segmenta.core.identity.Stitching;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Identities;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holders of many identifiers read in one query ({@code MergeLog.holders(Collection)}) answer as the one-by-one
 * read does, and stitching a batch with them merges what it merged reading one identifier at a time.
 */
class IdentifierHoldersTest {
  static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");
  @TempDir
  Path dir;

  Store open(String name) {
    return DuckDb.open(StoreConfig.resolve(dir.resolve(name), "512MB", 1, Map.of()));
  }

  /** Two earlier customers: one holding an e-mail, one a phone number. */
  static void earlier(Store s) {
    s.profiles().write(new Batch(List.of(new Profile("e1", List.of(Identifier.email("x@example.com")), Map.of()),
        new Profile("e2", List.of(Identifier.phone("+4512345678"), new Identifier("crm_id", "x@example.com")), Map.of())), List.of()));
  }

  /** The store's identities, reading holders one identifier at a time (the port's default). */
  static Identities oneByOne(Identities real) {
    return new Identities() {
      @Override
      public MergeRecord merge(String survivorId, String mergedId, String reason, Instant at) {
        return real.merge(survivorId, mergedId, reason, at);
      }

      @Override
      public void refuseMerge(MergeRecord refused) {
        real.refuseMerge(refused);
      }

      @Override
      public List<MergeRecord> merges(String profileId) {
        return real.merges(profileId);
      }

      @Override
      public List<String> holders(String kind, String value) {
        return real.holders(kind, value);
      }
    };
  }

  @Test
  void holders_manyIdentifiers_sameAsOneByOne() {
    try (Store s = open("a")) {
      earlier(s);
      s.profiles().write(new Batch(List.of(new Profile("n1", List.of(Identifier.email("x@example.com")), Map.of())), List.of()));
      List<Identifier> asked = List.of(Identifier.email("x@example.com"), new Identifier("email", " X@Example.com "), Identifier.phone("+4512345678"),
          new Identifier("crm_id", "x@example.com"), Identifier.email("nobody@example.com"), new Identifier("phone", "x@example.com"));
      Map<Identifier, List<String>> together = s.identities().holders(asked);
      assertEquals(asked.size(), together.size());
      for (Identifier i : asked) {
        assertEquals(s.identities().holders(i.kind(), i.value()), together.get(i), i.toString());
      }
      assertEquals(List.of("e1", "n1"), together.get(Identifier.email("x@example.com")));
    }
  }

  @Test
  void apply_batchSharingIdentifiers_mergesAsOneByOne() {
    List<Profile> batch = List.of(new Profile("a", List.of(Identifier.email("x@example.com")), Map.of()),
        new Profile("b", List.of(Identifier.email("x@example.com")), Map.of()),
        new Profile("c", List.of(Identifier.phone("+4512345678"), Identifier.email("z@example.com")), Map.of()),
        new Profile("d", List.of(Identifier.email("new@example.com")), Map.of()));
    try (Store together = open("together"); Store single = open("single")) {
      for (Store s : List.of(together, single)) {
        earlier(s);
        s.profiles().write(new Batch(batch, List.of()));
      }
      List<MergeRecord> a = Stitching.apply(together.profiles(), together.identities(), batch, NOW);
      List<MergeRecord> b = Stitching.apply(single.profiles(), oneByOne(single.identities()), batch, NOW);
      assertFalse(a.isEmpty());
      assertEquals(b, a);
      assertEquals(single.profiles().profileIds(), together.profiles().profileIds());
    }
  }
}
