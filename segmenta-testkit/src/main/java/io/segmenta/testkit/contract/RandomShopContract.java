package io.segmenta.testkit.contract;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setup the random-rule contracts ({@link DifferentialContract}, {@link WhyContract}) share: a store the adapter
 * opens, holding {@link RandomShop}'s random customers (seed 7), and every profile's history read back once for the
 * in-memory evaluator. The temporary folder is the instance's, so two contracts never share one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RandomShopContract extends StoreContract {
  private static final int CUSTOMERS = 250;

  @TempDir
  Path dir;
  Store store;
  List<ProfileHistory> histories;

  @BeforeAll
  void load() {
    store = open(dir);
    write(store, new RandomShop(7).data(CUSTOMERS));
    histories = new ArrayList<>();
    for (String id : profileIds(store)) {
      histories.add(history(store, id).orElseThrow());
    }
  }

  @AfterAll
  void close() {
    store.close();
  }
}
