package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Segment's analytics.js ({@code @segment/analytics-next} from npm, its standalone bundle served by Segmenta) in
 * Debian's headless Chromium, on shop pages served from another origin: a visitor comes from a newsletter, views and
 * adds a product, signs in, orders, is aliased, then a page sends 503 tracks with the batching strategy and, on
 * leaving, a beacon. Every event must be stored once, stitched to the customer, with its context; and the browser
 * must make no request anywhere but the shop and Segmenta. The pages use the snippet of docs/tracking.md as written.
 */
class AnalyticsJsBrowserTest {
  static final String KEY = "wk_browser_1";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static String resource(String name) throws Exception {
    try (InputStream in = AnalyticsJsBrowserTest.class.getResourceAsStream("/shop/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A shop: a plain HTTP server on another loopback port, serving the pages with the snippet filled in. */
  static HttpServer shop(Map<String, String> pages) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", ex -> {
      String page = pages.get(ex.getRequestURI().getPath());
      byte[] b = (page == null ? "not here" : page).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(page == null ? 404 : 200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    return s;
  }

  /** The snippet of docs/tracking.md, exactly as a shop pastes it, with this test's server, key and load options. */
  static String snippet(Path root, String segmenta, String loadOptions) throws Exception {
    String doc = Files.readString(root.resolve("docs/tracking.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```html\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertTrue(m.find(), "docs/tracking.md shows the snippet");
    String tail = "}(window, document, \"https://t.shop.example\", \"wk_web_1\", {});";
    assertTrue(m.group(1).contains(tail), "the snippet ends with the server, the key and the load options: " + m.group(1));
    return m.group(1).replace(tail, "}(window, document, \"" + segmenta + "\", \"" + KEY + "\", " + loadOptions + ");");
  }

  @Test
  void analyticsJs_inChromiumFromAnotherOrigin_storesTheSessionOnce() throws Exception {
    Path root = SegmentClientTest.checkout();
    boolean node = root != null && new ProcessBuilder("node", "--version").start().waitFor(30, TimeUnit.SECONDS);
    assumeTrue(node, "node is not installed (scripts/setup installs it)");
    Path log = dir.resolve("deps.log");
    assertEquals(0, SegmentClientTest.run(root, Map.of(), log, "bash", "scripts/node-deps"), "scripts/node-deps failed: " + Files.readString(log));
    int browser = SegmentClientTest.run(root, Map.of(), log, "bash", "scripts/browser-deps");
    if (browser != 0) {
      System.out.println("skipped: Chromium could not be installed: " + Files.readString(log));
    }
    assumeTrue(browser == 0, "Chromium and chromedriver could not be installed (scripts/browser-deps): " + Files.readString(log));
    Path bundle = root.resolve(".cache/node/node_modules/@segment/analytics-next");

    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(KEY), "admin-key-browser", Clock.systemUTC(),
            dir.resolve("db")).withAnalyticsJs(bundle))) {
      String segmenta = "http://127.0.0.1:" + server.port();
      Map<String, String> pages = new ConcurrentHashMap<>();
      HttpServer shop = shop(pages);
      String shopOrigin = "http://127.0.0.1:" + shop.getAddress().getPort();
      String landing = shopOrigin + "/landing.html?utm_source=newsletter&utm_medium=email&utm_campaign=winter";
      pages.put("/landing.html", resource("landing.html").replace("${SNIPPET}", snippet(root, segmenta, "{}")));
      pages.put("/bulk.html", resource("bulk.html").replace("${SNIPPET}",
          snippet(root, segmenta, "{integrations: {'Segment.io': {deliveryStrategy: {strategy: 'batching', config: {size: 100, timeout: 5000}}}}}"))
          .replace("${SEGMENTA}", segmenta).replace("${WRITE_KEY}", KEY));
      pages.put("/referrer.html", resource("referrer.html").replace("${LANDING}", landing));
      pages.put("/bye.html", resource("bye.html"));
      long t0 = System.nanoTime();
      ChromeDriver driver = driver();
      System.out.printf("chromium up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      List<String> requests = new CopyOnWriteArrayList<>();
      try {
        // The visitor arrives from a newsletter page on a third origin (localhost, not 127.0.0.1).
        driver.get("http://localhost:" + shop.getAddress().getPort() + "/referrer.html");
        driver.findElement(By.id("go")).click();
        String done = new WebDriverWait(driver, Duration.ofSeconds(240))
            .until(d -> (String) driver.executeScript("return window.__done || null;"));
        assertEquals("ok", done, "the scenario ran in the page");
        System.out.printf("landing scenario done at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        requests.addAll(requests(driver));
        driver.findElement(By.id("bulk")).click();
        assertEquals("ok", new WebDriverWait(driver, Duration.ofSeconds(240))
            .until(d -> (String) driver.executeScript("return window.__done || null;")));
        awaitEvents(server, store, "bulk_ping", 500);
        System.out.printf("bulk batch stored at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // Leaving the page at once: analytics.js sends the 3 events queued just before (its 5 s timer never fires)
        // with a keepalive fetch, and the page sends its beacon.
        driver.executeScript("window.leave();");
        driver.get(shopOrigin + "/bye.html");
        requests.addAll(requests(driver));
        awaitEvents(server, store, "page_left", 1);
        awaitEvents(server, store, "bulk_ping", 503);
        requests.addAll(requests(driver));
        System.out.printf("beacon and keepalive batch stored at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      } finally {
        driver.quit();
        shop.stop(0);
      }

      // No request left the two loopback origins: nothing went to Segment's CDN or API.
      String shopLocal = "http://localhost:" + shop.getAddress().getPort();
      for (String url : requests) {
        assertTrue(url.startsWith(segmenta + "/") || url.startsWith(shopOrigin + "/") || url.startsWith(shopLocal + "/")
            || url.startsWith("data:") || url.startsWith("blob:"), "the page requested " + url);
      }
      assertTrue(requests.contains(segmenta + "/analytics.js/v1/" + KEY + "/analytics.min.js"), "bundle served by Segmenta: " + requests);
      assertTrue(requests.contains(segmenta + "/v1/projects/" + KEY + "/settings"), "settings served by Segmenta: " + requests);
      assertTrue(requests.contains(segmenta + "/v1/t"), "tracks posted to the short path: " + requests);
      assertTrue(requests.contains(segmenta + "/v1/b"), "the batch posted to /v1/b: " + requests);

      server.flush();
      ProfileHistory h = store.profiles().history("cust-1").orElseThrow(() -> new AssertionError("no profile cust-1"));
      Map<String, Integer> counts = new TreeMap<>();
      h.events().forEach(e -> counts.merge(e.type(), 1, Integer::sum));
      assertEquals(Map.of("add_to_cart", 1, "bulk_ping", 503, "order", 1, "page_left", 1, "page_view", 2, "product_view", 1), counts,
          "every event once, the anonymous ones stitched to the customer");
      assertEquals(new Value.Str("Ada"), h.profile().trait("first_name"));
      assertEquals(new Value.Str("gold"), h.profile().trait("plan"));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.kind().equals("email") && i.value().equals("ada@example.com")));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.value().equals("legacy-42")), "alias links the previous id");
      Event landed = h.events().stream().filter(e -> e.type().equals("page_view")).min(Comparator.comparing(Event::timestamp)).orElseThrow();
      assertEquals(new Value.Str("winter"), landed.property("utm_campaign"));
      assertEquals(new Value.Str("email"), landed.property("traffic_source"));
      assertTrue(String.valueOf(landed.property("url")).contains("utm_campaign=winter"), "url: " + landed.property("url"));
      assertTrue(String.valueOf(landed.property("referrer")).contains("localhost"), "referrer: " + landed.property("referrer"));
      assertEquals(new Value.Str("desktop"), landed.property("device"));
      Event order = h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow();
      assertEquals(1, order.lines().size());
      assertEquals(2.0, order.lines().get(0).quantity());
      assertEquals(new Value.Num(60), order.property("revenue"));
    }
  }

  static ChromeDriver driver() {
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort().build();
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run");
    LoggingPreferences prefs = new LoggingPreferences();
    prefs.enable(LogType.PERFORMANCE, Level.ALL);
    o.setCapability("goog:loggingPrefs", prefs);
    ChromeDriver d = new ChromeDriver(service, o);
    // A busy machine (2 shared cores) can keep a page's main thread busy for a while.
    d.manage().timeouts().scriptTimeout(Duration.ofSeconds(120)).pageLoadTimeout(Duration.ofSeconds(120));
    return d;
  }

  /** Every URL the browser requested since the last call, from Chromium's performance log (DevTools network events). */
  static List<String> requests(ChromeDriver driver) throws Exception {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode m = JSON.readTree(e.getMessage()).path("message");
      if (m.path("method").asText().equals("Network.requestWillBeSent")) {
        out.add(m.path("params").path("request").path("url").asText());
      }
    }
    return out;
  }

  static void awaitEvents(Server server, Store store, String type, int n) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    int seen = -1;
    while (System.nanoTime() < end) {
      server.flush();
      seen = store.profiles().history("cust-1").map(h -> (int) h.events().stream().filter(e -> e.type().equals(type)).count()).orElse(0);
      if (seen >= n) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("expected " + n + " " + type + " events for cust-1, found " + seen);
  }
}
