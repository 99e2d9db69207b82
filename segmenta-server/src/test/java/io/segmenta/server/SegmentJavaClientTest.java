package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.TrackMessage;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's Java library ({@code com.segment.analytics.java:analytics} from Maven Central) with its defaults but the
 * endpoint: it posts batches to {@code /v1/import/} with the write key in the body and no Authorization header.
 */
class SegmentJavaClientTest {
  @TempDir
  Path dir;

  @Test
  void analyticsJava_sessionIsStoredOnce() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_java"), "admin-key-java", Clock.systemUTC(), dir.resolve("db")))) {
      AtomicInteger delivered = new AtomicInteger();
      List<String> failures = new CopyOnWriteArrayList<>();
      Analytics analytics = Analytics.builder("wk_java").endpoint("http://127.0.0.1:" + server.port()).callback(new Callback() {
        @Override
        public void success(Message message) {
          delivered.incrementAndGet();
        }

        @Override
        public void failure(Message message, Throwable throwable) {
          failures.add(message.type() + ": " + throwable);
        }
      }).build();
      try {
        analytics.enqueue(PageMessage.builder("Home").anonymousId("anon-java")
            .properties(Map.of("url", "https://shop.example/?utm_campaign=spring", "referrer", "https://www.google.com/"))
            .context(Map.of("campaign", Map.of("source", "google", "medium", "cpc", "name", "spring"),
                "userAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0")));
        analytics.enqueue(TrackMessage.builder("Product Viewed").anonymousId("anon-java")
            .properties(Map.of("product_id", "p-9", "category", "hats", "price", 15)));
        analytics.enqueue(TrackMessage.builder("Product Added").anonymousId("anon-java")
            .properties(Map.of("product_id", "p-9", "category", "hats", "price", 15, "quantity", 3)));
        analytics.enqueue(IdentifyMessage.builder().userId("java-1").anonymousId("anon-java")
            .traits(Map.of("email", "java.user@example.com", "firstName", "Jo", "plan", "pro")));
        analytics.enqueue(TrackMessage.builder("Order Completed").userId("java-1").properties(Map.of("order_id", "j-1", "total", 45,
            "currency", "EUR", "products", List.of(Map.of("product_id", "p-9", "category", "hats", "price", 15, "quantity", 3)))));
        analytics.enqueue(AliasMessage.builder("old-java-device").userId("java-1"));
        for (int i = 0; i < 500; i++) {
          analytics.enqueue(TrackMessage.builder("Bulk Ping").userId("java-1").properties(Map.of("n", i)));
        }
        analytics.flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered.get() + failures.size() < 506 && System.nanoTime() < end) {
          Thread.sleep(100);
        }
      } finally {
        analytics.shutdown();
      }
      assertEquals(List.of(), failures);
      assertEquals(506, delivered.get(), "every message acknowledged");

      server.flush();
      ProfileHistory h = store.profiles().history("java-1").orElseThrow(() -> new AssertionError("no profile java-1"));
      Map<String, Integer> counts = new TreeMap<>();
      h.events().forEach(e -> counts.merge(e.type(), 1, Integer::sum));
      assertEquals(Map.of("add_to_cart", 1, "bulk_ping", 500, "order", 1, "page_view", 1, "product_view", 1), counts,
          "every event once, the anonymous ones stitched to the customer");
      assertEquals(new Value.Str("Jo"), h.profile().trait("first_name"));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.kind().equals("email") && i.value().equals("java.user@example.com")));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.value().equals("old-java-device")), "alias links the previous id");
      Event page = h.events().stream().filter(e -> e.type().equals("page_view")).findFirst().orElseThrow();
      assertEquals(new Value.Str("spring"), page.property("utm_campaign"));
      assertEquals(new Value.Str("paid"), page.property("traffic_source"));
      assertEquals(new Value.Str("desktop"), page.property("device"));
      Event order = h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow();
      assertEquals(1, order.lines().size());
      assertEquals(3.0, order.lines().get(0).quantity());
    }
  }
}
