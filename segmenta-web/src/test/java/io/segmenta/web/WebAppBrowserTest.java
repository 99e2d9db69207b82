package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import io.segmenta.testkit.ExampleSegments;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app in Debian's Chromium over a real store (a generated shop of 400 customers, three saved segments) and a
 * real server on loopback: sign in, Home with its chart drawn, Segments, a viewer refused the users page, a wrong
 * password rate-limited; and, with a plain HTTP client, POSTs without a CSRF token refused. Screenshots of every page
 * visited go to target/screenshots.
 */
class WebAppBrowserTest {
  static final int CUSTOMERS = 400;
  static final String ADMIN_PASSWORD = "admin password 1";
  static final String VIEWER_PASSWORD = "viewer password 1";
  static final List<String> SAVED = List.of("students", "travellers", "luxury-buyers");

  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static String base;
  static final Path SHOTS = Path.of("target", "screenshots");

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, CUSTOMERS, CUSTOMERS, store.profiles()::write);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    for (String name : SAVED) {
      segments.save(name, ExampleSegments.ALL.get(name).rule(), "");
    }
    Users users = Users.in(data);
    users.add("ann", Role.ADMIN, ADMIN_PASSWORD.toCharArray());
    users.add("vic", Role.VIEWER, VIEWER_PASSWORD.toCharArray());
    users.add("rae", Role.MARKETER, "marketer password 1".toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_web_test_1"), "admin-key-web-test", Clock.systemUTC(), data),
        List.of(new WebApp(store, users, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void walk_inChromium_signsInDrawsHomeListsSegmentsAndRefuses() throws Exception {
    ChromeDriver d = WebAppBrowserTest.chromium(dir);
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
      d.get(base + "/");
      assertTrue(d.getCurrentUrl().endsWith("/login"), "a visitor is sent to the login form: " + d.getCurrentUrl());
      shot(d, "01-login");
      signIn(d, "ann", ADMIN_PASSWORD);

      wait.until(x -> !x.findElements(By.cssSelector("#trend-chart svg path")).isEmpty());
      assertEquals("Home · Segmenta", d.getTitle());
      assertEquals(String.format("%,d", CUSTOMERS), d.findElement(By.id("customers")).getText());
      int paths = d.findElements(By.cssSelector("#trend-chart svg path")).size();
      assertTrue(paths > 12, "the chart draws bars and lines, got " + paths + " paths");
      assertFalse(d.findElement(By.id("net-revenue")).getText().isBlank());
      shot(d, "02-home");

      d.findElement(By.linkText("Segments")).click();
      wait.until(x -> x.getTitle().startsWith("Segments"));
      wait.until(x -> !x.findElements(By.cssSelector("#segments tbody tr")).isEmpty());
      List<String> names = d.findElements(By.cssSelector("#segments tbody .name")).stream().map(WebElement::getText).sorted().toList();
      assertEquals(SAVED.stream().sorted().toList(), names);
      shot(d, "03-segments");

      d.findElement(By.linkText("Users")).click();
      wait.until(x -> x.getTitle().startsWith("Users"));
      assertEquals(3, d.findElements(By.cssSelector("#users tbody tr")).size());
      shot(d, "04-users-admin");

      d.findElement(By.cssSelector("form.logout button")).click();
      wait.until(x -> x.getCurrentUrl().endsWith("/login"));
      signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      assertTrue(d.findElements(By.linkText("Users")).isEmpty(), "a viewer's navigation has no users page");
      d.get(base + "/settings/users");
      assertEquals("the page Users needs the role admin; you are signed in as a viewer", d.findElement(By.id("message")).getText());
      shot(d, "05-users-viewer-refused");
      d.findElement(By.cssSelector("form.logout button")).click();
      wait.until(x -> x.getCurrentUrl().endsWith("/login"));

      // Five wrong passwords for an account, then even the right one is refused for a while.
      for (int i = 1; i <= 5; i++) {
        signIn(d, "rae", "not the password " + i);
        assertEquals("wrong user name or password", d.findElement(By.id("login-error")).getText(), "attempt " + i);
      }
      signIn(d, "rae", "marketer password 1");
      assertTrue(d.findElement(By.id("login-error")).getText().startsWith("too many failed sign-ins for this user or from this address"),
          d.findElement(By.id("login-error")).getText());
      shot(d, "06-login-rate-limited");
    } finally {
      d.quit();
    }
  }

  /**
   * Every page of the navigation (and a segment's, a profile's and the builder), as an admin, at a laptop's and a
   * tablet's width: every visible control has an accessible name (a label, aria-label or its text), none is taken out
   * of the keyboard's reach (tabindex -1 on a control), and the page is no wider than the window (wide tables scroll
   * inside their own box). The issue asks for labels and keyboard use for every control, on a laptop and a tablet.
   */
  @Test
  void everyPage_atLaptopAndTabletWidths_hasNamedReachableControlsAndFits() throws Exception {
    List<String> paths = new ArrayList<>(Pages.all().stream().filter(p -> p.title() != null && !p.path().contains("{"))
        .map(Page::path).toList());
    String someone = store.profiles().profileIds().get(0);
    paths.addAll(List.of("/segments/new", "/segments/students", "/profiles/" + URLEncoder.encode(someone, StandardCharsets.UTF_8)));
    ChromeDriver d = WebAppBrowserTest.chromium(dir);
    try {
      signIn(d, "ann", ADMIN_PASSWORD);
      List<String> problems = new ArrayList<>();
      for (int[] size : new int[][] {{1366, 768}, {768, 1024}}) {
        d.manage().window().setSize(new Dimension(size[0], size[1]));
        for (String path : paths) {
          d.get(base + path);
          new WebDriverWait(d, Duration.ofSeconds(60)).until(x -> "complete".equals(d.executeScript("return document.readyState")));
          Object found = d.executeScript("""
              const out = [];
              const visible = e => e.offsetParent !== null || e.getClientRects().length > 0;
              for (const e of document.querySelectorAll('input, select, textarea, button, a[href], [role=button]')) {
                if (e.type === 'hidden' || !visible(e)) continue;
                const name = (e.labels && e.labels.length ? [...e.labels].map(l => l.textContent).join(' ') : '')
                  || e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') || '').split(' ')
                    .map(id => (document.getElementById(id) || {}).textContent || '').join(' ')
                  || (['BUTTON', 'A'].includes(e.tagName) || e.getAttribute('role') === 'button' ? e.textContent : '')
                  || (e.type === 'submit' || e.type === 'button' ? e.value : '') || e.getAttribute('title') || '';
                const what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '');
                if (!name.trim()) out.push('unnamed ' + what);
                // A tab of a tab list may leave the Tab key's order when one tab of its list stays in it: arrows move
                // between tabs (WAI-ARIA's tabs pattern, "roving tabindex").
                const roving = e.getAttribute('role') === 'tab' && e.closest('[role=tablist]')
                  && e.closest('[role=tablist]').querySelector('[role=tab]:not([tabindex="-1"])');
                if (e.getAttribute('tabindex') === '-1' && !roving) out.push('out of keyboard reach ' + what);
              }
              const wide = document.documentElement.scrollWidth - window.innerWidth;
              if (wide > 4) out.push('wider than the window by ' + wide + ' px');
              return out;""");
          for (Object problem : (List<?>) found) {
            problems.add(size[0] + "px " + path + ": " + problem);
          }
          if (size[0] < 1000) {
            shot(d, "tablet" + path.replaceAll("[^a-z0-9]+", "-"));
          }
        }
      }
      assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    } finally {
      d.quit();
    }
  }

  @Test
  void post_withoutCsrfToken_isRefused() throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    // The login form without its token, then with the cookie's token: only the second signs in.
    HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
    String loginCookie = cookie(form, Auth.LOGIN_COOKIE);
    String token = csrf(form.body());
    assertEquals(403, post(http, "/login", loginCookie, Map.of("name", "ann", "password", ADMIN_PASSWORD)).statusCode());
    assertEquals(403, post(http, "/login", null, Map.of("name", "ann", "password", ADMIN_PASSWORD, "csrf", token)).statusCode());
    HttpResponse<String> in = post(http, "/login", loginCookie, Map.of("name", "ann", "password", ADMIN_PASSWORD, "csrf", token));
    assertEquals(303, in.statusCode());
    String session = cookie(in, Auth.SESSION_COOKIE);
    assertTrue(in.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(Auth.SESSION_COOKIE + "=")
        && c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure")), in.headers().allValues("Set-Cookie").toString());

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/settings/users")).header("Cookie", session).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    String sessionToken = csrf(page.body());
    HttpResponse<String> noToken = post(http, "/settings/users", session, Map.of("name", "eve", "role", "admin", "password", "eve password 12"));
    assertEquals(403, noToken.statusCode());
    assertTrue(noToken.body().contains(Auth.STALE_FORM.replace("'", "&#39;")), noToken.body());
    assertEquals(403, post(http, "/settings/users", session, Map.of("name", "eve", "role", "admin", "password", "eve password 12",
        "csrf", token)).statusCode(), "the login form's token is not the session's");
    HttpResponse<String> bad = post(http, "/settings/users", session, Map.of("name", "eve", "role", "boss", "password", "eve password 12",
        "csrf", sessionToken));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("role must be viewer, marketer or admin, got &#39;boss&#39;"), bad.body());
    HttpResponse<String> added = post(http, "/settings/users", session, Map.of("name", "eve", "role", "viewer", "password", "eve password 12",
        "csrf", sessionToken));
    assertEquals(200, added.statusCode(), added.body());
    assertTrue(added.body().contains("added eve as viewer"), added.body());
    HttpResponse<String> shortOne = post(http, "/settings/users", session, Map.of("name", "fay", "role", "viewer", "password", "short",
        "csrf", sessionToken));
    assertEquals(400, shortOne.statusCode());
    assertTrue(shortOne.body().contains("a password needs at least 10 characters, got 5"), shortOne.body());
    // Eve signs in; removing her ends her session at its next request.
    HttpResponse<String> eveIn = post(http, "/login", loginCookie, Map.of("name", "eve", "password", "eve password 12", "csrf", token));
    assertEquals(303, eveIn.statusCode(), eveIn.body());
    String eve = cookie(eveIn, Auth.SESSION_COOKIE);
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Cookie", eve).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> removed = post(http, "/settings/users/remove", session, Map.of("name", "eve", "csrf", sessionToken));
    assertEquals(303, http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Cookie", eve).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode(), "a removed user's session has ended");
    assertTrue(removed.body().contains("removed eve"), removed.body());
    // Behind a TLS proxy the session cookie is Secure.
    HttpResponse<String> form2 = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("X-Forwarded-Proto", "https").build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(form2.headers().allValues("Set-Cookie").stream().allMatch(c -> c.contains("; Secure")), form2.headers().allValues("Set-Cookie").toString());
    // The API still takes the admin key.
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments")).header("Authorization", "Bearer admin-key-web-test").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, api.statusCode(), api.body());
    assertEquals(303, http.send(HttpRequest.newBuilder(URI.create(base + "/segments")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  private static HttpResponse<String> post(HttpClient http, String path, String cookie, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(0, c.indexOf(';')))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie")));
  }

  private static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "the form holds a CSRF token: " + html);
    return m.group(1);
  }

  private static void signIn(ChromeDriver d, String name, String password) {
    if (!d.getCurrentUrl().endsWith("/login")) {
      d.get(base + "/login");
    }
    WebElement n = d.findElement(By.id("name"));
    n.clear();
    n.sendKeys(name);
    d.findElement(By.id("password")).sendKeys(password);
    d.findElement(By.id("sign-in")).click();
    // The answer is a new page: read nothing before the old form is gone (else a stale element, or the last answer).
    new WebDriverWait(d, Duration.ofSeconds(60)).until(ExpectedConditions.stalenessOf(n));
  }

  private static void shot(ChromeDriver d, String name) throws Exception {
    Files.copy(d.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Headless Chromium for a browser test: installs Debian's chromium and chromedriver first (scripts/browser-deps, its
   * output in {@code dir/deps.log}) and skips the test, saying why, where they cannot be installed.
   */
  static ChromeDriver chromium(Path dir) throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Process deps = new ProcessBuilder("bash", "scripts/browser-deps").directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("deps.log").toFile()).start();
    boolean installed = deps.waitFor(10, TimeUnit.MINUTES) && deps.exitValue() == 0;
    assumeTrue(installed, "Chromium and chromedriver could not be installed (scripts/browser-deps): " + Files.readString(dir.resolve("deps.log")));
    return driver();
  }

  static ChromeDriver driver() {
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort().build();
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900");
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().scriptTimeout(Duration.ofSeconds(120)).pageLoadTimeout(Duration.ofSeconds(120));
    return d;
  }
}
