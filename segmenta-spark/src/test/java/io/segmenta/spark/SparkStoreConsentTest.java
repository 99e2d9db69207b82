package io.segmenta.spark;

import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.ConsentContract;
import java.nio.file.Path;

/**
 * The consent ledger's contract ({@link ConsentContract}) on the store the Spark contracts run on: its consent role
 * is the embedded store's, so this holds {@link LakeMirrorStore} to delegating it whole (a role wrapped later must
 * keep the batch write).
 */
class SparkStoreConsentTest extends ConsentContract {
  @Override
  protected Store open(Path dir) {
    return LakeMirrorStore.open(dir);
  }
}
