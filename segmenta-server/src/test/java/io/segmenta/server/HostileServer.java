package io.segmenta.server;

import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.lang.management.ManagementFactory;

/**
 * A server in its own JVM over a real DuckDB file, for tests that kill it with SIGKILL ({@link HostileRequestsTest}):
 * started as {@code segmenta serve} starts one, closed by its shutdown hook on SIGTERM.
 */
public final class HostileServer {
  static final String WRITE_KEY = "wk_hostile";
  static final String ADMIN_KEY = "admin-hostile-key";

  private HostileServer() {}

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[0]);
    long t0 = System.nanoTime();
    Store store = DuckDb.open(StoreConfig.resolve(dir, "512MB", 2, Map.of()));
    long t1 = System.nanoTime();
    Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE_KEY), ADMIN_KEY, Clock.systemUTC(), dir));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      store.close();
      stopped.countDown();
    }, "hostile-shutdown"));
    System.out.printf("store opened in %d ms, server started in %d ms (JVM up %d ms before)%n", (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000, ManagementFactory.getRuntimeMXBean().getUptime() - (System.nanoTime() - t0) / 1_000_000);
    System.out.println("hostile server listening on port " + server.port());
    System.out.flush();
    stopped.await();
  }
}
