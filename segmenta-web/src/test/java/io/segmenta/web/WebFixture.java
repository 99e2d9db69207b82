package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.IOException;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the web app's tests over a real store and a real server share, as a JUnit extension a test class registers
 * with {@code @RegisterExtension static final WebFixture WEB = WebFixture.shop(400).saved(...).user(...)}: before the
 * class's tests, a generated shop in a new DuckDB file, the example segments named saved, whatever else the class sets
 * up ({@link #with}), the users with their roles and passwords, and the server with the web app on loopback; after
 * them, all closed and the folder removed. Signing in (in Chromium, or over plain HTTP as a session's cookie and CSRF
 * token), GET and form POST with or without the token, and screenshots are here, so each class says only what it checks.
 */
final class WebFixture implements BeforeAllCallback, AfterAllCallback {
  static final String ADMIN_KEY = "admin-key-web-test";
  static final Path SHOTS = Path.of("target", "screenshots");
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** More of a store's content, written before the server starts. */
  interface Setup {
    void on(Store store) throws Exception;
  }

  /** A signed-in session: its cookie and the CSRF token its forms carry. */
  record Session(String cookie, String csrf) {}

  private record User(String name, Role role, String password) {}

  private final int customers;
  private final List<String> saved = new ArrayList<>();
  private final List<Setup> setups = new ArrayList<>();
  private final List<User> users = new ArrayList<>();
  private final Map<String, Session> sessions = new HashMap<>();
  private Path dir;
  private Store store;
  private Server server;
  private String base;

  private WebFixture(int customers) {
    this.customers = customers;
  }

  /** A generated shop of {@code customers} customers ({@link ShopGenerator#standard()}). */
  static WebFixture shop(int customers) {
    return new WebFixture(customers);
  }

  /** Saves these example segments ({@link ExampleSegments#ALL}). */
  WebFixture saved(List<String> names) {
    saved.addAll(names);
    return this;
  }

  WebFixture with(Setup setup) {
    setups.add(setup);
    return this;
  }

  WebFixture user(String name, Role role, String password) {
    users.add(new User(name, role, password));
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("segmenta-web-");
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, customers, customers, store.profiles()::write);
    for (String name : saved) {
      segments().save(name, ExampleSegments.ALL.get(name).rule(), "");
    }
    for (Setup s : setups) {
      s.on(store);
    }
    Users accounts = Users.in(data);
    for (User u : users) {
      accounts.add(u.name(), u.role(), u.password().toCharArray());
    }
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_web_test"), ADMIN_KEY, Clock.systemUTC(), data),
        List.of(new WebApp(store, accounts, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
    Files.createDirectories(SHOTS);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
    if (dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  Store store() {
    return store;
  }

  /** The server's address, {@code http://127.0.0.1:port}. */
  String base() {
    return base;
  }

  /** The class's folder (the store is in {@code db} under it), removed after its tests. */
  Path dir() {
    return dir;
  }

  Segments segments() {
    return segments(store);
  }

  static Segments segments(Store store) {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
  }

  // In Chromium.

  /**
   * Headless Chromium for a browser test: installs Debian's chromium and chromedriver first (scripts/browser-deps, its
   * output in {@code deps.log} of the class's folder) and skips the test, saying why, where they cannot be installed.
   */
  ChromeDriver chromium() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path log = dir.resolve("deps.log");
    Process deps = new ProcessBuilder("bash", "scripts/browser-deps").directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean installed = deps.waitFor(10, TimeUnit.MINUTES) && deps.exitValue() == 0;
    assumeTrue(installed, "Chromium and chromedriver could not be installed (scripts/browser-deps): " + Files.readString(log));
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

  /** Fills in the login form (opened unless the browser is on it) and waits for the answer, a new page. */
  void signIn(ChromeDriver d, String name, String password) {
    if (!d.getCurrentUrl().endsWith("/login")) {
      d.get(base + "/login");
    }
    WebElement n = d.findElement(By.id("name"));
    n.clear();
    n.sendKeys(name);
    d.findElement(By.id("password")).sendKeys(password);
    d.findElement(By.id("sign-in")).click();
    // Read nothing before the old form is gone (else a stale element, or the last answer).
    new WebDriverWait(d, Duration.ofSeconds(60)).until(ExpectedConditions.stalenessOf(n));
  }

  static void signOut(ChromeDriver d) {
    d.findElement(By.cssSelector("form.logout button")).click();
    new WebDriverWait(d, Duration.ofSeconds(60)).until(x -> x.getCurrentUrl().endsWith("/login"));
  }

  /** A screenshot to target/screenshots/{@code name}.png ({@code name} may name a folder first). */
  static void shot(ChromeDriver d, String name) throws Exception {
    Path to = SHOTS.resolve(name + ".png");
    Files.createDirectories(to.getParent());
    Files.copy(d.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
  }

  // Over plain HTTP.

  /** A session of the user {@code name} added with {@link #user}: signed in at the first call, the same one after. */
  Session session(String name) throws Exception {
    Session s = sessions.get(name);
    if (s == null) {
      User u = users.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no user " + name));
      s = signIn(u.name(), u.password());
      sessions.put(name, s);
    }
    return s;
  }

  /** Signs in through the login form (with its cookie and token) and reads the session's CSRF token off Home. */
  Session signIn(String name, String password) throws Exception {
    HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> in = send("/login", cookie(form, Auth.LOGIN_COOKIE), Map.of("name", name, "password", password, "csrf", csrf(form.body())));
    assertEquals(303, in.statusCode(), in.body());
    String session = cookie(in, Auth.SESSION_COOKIE);
    return new Session(session, csrf(get(session, "/").body()));
  }

  HttpResponse<String> get(Session s, String path) throws Exception {
    return get(s.cookie(), path);
  }

  HttpResponse<String> get(String cookie, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A form post with the session's CSRF token. */
  HttpResponse<String> post(Session s, String path, Map<String, String> form) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("csrf", s.csrf());
    return send(path, s.cookie(), all);
  }

  /** A form post as given: with {@code cookie} unless null, and no token but one in {@code form}. */
  HttpResponse<String> send(String path, String cookie, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The cookie {@code name} an answer sets, as a Cookie header's {@code name=value}. */
  static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(0, c.indexOf(';')))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie")));
  }

  static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "the page holds a CSRF token: " + html);
    return m.group(1);
  }
}
