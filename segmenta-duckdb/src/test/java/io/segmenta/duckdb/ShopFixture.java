package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A store in {@code dir} holding the standard synthetic shop's first {@code customers}, with its ground truth. */
record ShopFixture(Store store, List<ShopGenerator.Truth> truth, Instant asOf) {
  static ShopFixture load(Path dir, int customers) {
    Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    ShopGenerator shop = ShopGenerator.standard();
    List<ShopGenerator.Truth> truth = shop.generate(0, customers, 2_000, store.profiles()::write);
    return new ShopFixture(store, truth, shop.asOf());
  }
}
